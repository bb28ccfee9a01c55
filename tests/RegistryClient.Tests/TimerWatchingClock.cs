using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace RegistryClient.Tests;

/// <summary>
/// A fake clock that records every timer made on it (a <c>Task.Delay</c> on a <see cref="TimeProvider"/> is a timer):
/// when it was made, when it is due, whether it has fired. A test waits for the timer the code under test must make,
/// moves the clock to just before its due time, and asserts it has not fired (nothing can have happened: the clock
/// decides, not real time), then moves past it. Code that does not wait makes no such timer, and the test fails.
/// </summary>
internal sealed class TimerWatchingClock : FakeTimeProvider
{
    private readonly ConcurrentQueue<WatchedTimer> _timers = new();

    public TimerWatchingClock()
    {
    }

    public TimerWatchingClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>Every timer made so far, oldest first.</summary>
    public IReadOnlyCollection<WatchedTimer> Timers => _timers;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var watched = new WatchedTimer(GetUtcNow(), dueTime);
        var timer = base.CreateTimer(s => { watched.MarkFired(); callback(s); }, state, dueTime, period);
        watched.Inner = timer;
        _timers.Enqueue(watched);
        return watched;
    }

    /// <summary>
    /// Waits (in real time, bounded) until a timer matching <paramref name="match"/> has been made and is pending, and
    /// returns it; fails the test naming <paramref name="what"/> when none appears.
    /// </summary>
    public async Task<WatchedTimer> WaitForTimerAsync(Func<WatchedTimer, bool> match, string what, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_timers.FirstOrDefault(t => t.IsPending && match(t)) is { } timer)
            {
                return timer;
            }

            if (deadline.Elapsed > (within ?? TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"Timed out waiting for {what}; timers made on the fake clock: "
                    + string.Join(", ", _timers.Select(t => t.ToString())));
            }

            await Task.Delay(5);
        }
    }

    /// <summary>One timer made on the clock.</summary>
    internal sealed class WatchedTimer(DateTimeOffset createdAt, TimeSpan dueTime) : ITimer
    {
        private volatile bool _fired;
        private volatile bool _disposed;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public TimeSpan DueTime { get; private set; } = dueTime;

        /// <summary>The fake time at which it fires (as last set).</summary>
        public DateTimeOffset DueAt => CreatedAt + DueTime;

        public bool Fired => _fired;

        public bool IsPending => !_fired && !_disposed && DueTime != Timeout.InfiniteTimeSpan;

        internal ITimer Inner { get; set; } = null!;

        internal void MarkFired() => _fired = true;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueTime = dueTime;
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            _disposed = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return Inner.DisposeAsync();
        }

        public override string ToString() => $"{DueTime} from {CreatedAt:HH:mm:ss.fff}{(_fired ? " (fired)" : _disposed ? " (disposed)" : string.Empty)}";
    }
}
