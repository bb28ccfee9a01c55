#if !NET
namespace System.Collections.Generic;

/// <summary>.NET Framework lacks <c>KeyValuePair.Deconstruct</c>; this lets one source use <c>foreach (var (k, v) in ...)</c>.</summary>
internal static class KeyValuePairDeconstruction
{
    public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
    {
        key = pair.Key;
        value = pair.Value;
    }
}
#endif
