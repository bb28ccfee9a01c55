namespace RegistryClient.Model;

/// <summary>
/// Derives the DVT class from the clot segments, the one place this derivation lives (used by rule VR003 and by mapping).
/// </summary>
/// <remarks>
/// NICE HTG516's "distal DVT" is any DVT that does not reach the common femoral vein, so femoropopliteal DVT is distal too,
/// not only calf DVT. Both distal classes are for research only (NICE HTG516 1.1).
/// </remarks>
public static class DvtClassification
{
    /// <summary>Derives the class: iliofemoral when the common femoral vein or anything above it is involved, otherwise
    /// femoropopliteal when the femoral, deep femoral or popliteal vein is, otherwise calf.</summary>
    /// <exception cref="ArgumentException"><paramref name="segments"/> is empty.</exception>
    public static DvtClass Derive(IEnumerable<ClotSegment> segments)
    {
        if (segments is null)
        {
            throw new ArgumentNullException(nameof(segments));
        }

        var any = false;
        var result = DvtClass.Calf;
        foreach (var segment in segments)
        {
            any = true;
            if (IsIliofemoral(segment))
            {
                return DvtClass.Iliofemoral;
            }

            if (segment is ClotSegment.Femoral or ClotSegment.DeepFemoral or ClotSegment.Popliteal)
            {
                result = DvtClass.Femoropopliteal;
            }
        }

        return any ? result : throw new ArgumentException("At least one clot segment is needed to derive a DVT class.", nameof(segments));
    }

    /// <summary>Whether the class is NICE's "distal DVT that does not extend into the common femoral vein".</summary>
    public static bool IsDistal(DvtClass dvtClass) => dvtClass is DvtClass.Femoropopliteal or DvtClass.Calf;

    private static bool IsIliofemoral(ClotSegment segment) =>
        segment is ClotSegment.InferiorVenaCava or ClotSegment.CommonIliac or ClotSegment.ExternalIliac or ClotSegment.CommonFemoral;
}
