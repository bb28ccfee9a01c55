namespace RegistryClient.Http;

/// <summary>A delay measured by an injected clock, on every target (net462 has no <c>Task.Delay(TimeSpan, TimeProvider)</c>).</summary>
internal static class TimeProviderDelay
{
    public static Task Delay(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, time, cancellationToken);
#else
        TimeProviderTaskExtensions.Delay(time, delay, cancellationToken);
#endif
}
