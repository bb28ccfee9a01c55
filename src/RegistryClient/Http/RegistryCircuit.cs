namespace RegistryClient.Http;

/// <summary>
/// The state of the client's circuit breaker as its callbacks last reported it, one per container: the drain worker
/// waits while it is open instead of failing every pending case fast, and the health check reports it.
/// </summary>
internal sealed class RegistryCircuit(TimeProvider time)
{
    private long _openUntil; // TimeProvider timestamp the break ends at; 0 when closed
    private int _open; // 1 while open or half-open (Polly opens again on a failed probe)

    /// <summary>True from the moment the circuit opened until a call through it succeeded again.</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>What is left of the current break; zero when closed or when the next call may probe.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var until = Interlocked.Read(ref _openUntil);
            if (until == 0 || !IsOpen)
            {
                return TimeSpan.Zero;
            }

            var left = -time.GetElapsedTime(until);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void Opened(TimeSpan breakDuration)
    {
        Interlocked.Exchange(ref _openUntil, time.GetTimestamp() + (long)(breakDuration.TotalSeconds * time.TimestampFrequency));
        Volatile.Write(ref _open, 1);
    }

    public void Closed()
    {
        Volatile.Write(ref _open, 0);
        Interlocked.Exchange(ref _openUntil, 0);
    }
}
