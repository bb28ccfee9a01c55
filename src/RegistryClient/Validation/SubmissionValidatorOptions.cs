using System.ComponentModel.DataAnnotations;

namespace RegistryClient.Validation;

/// <summary>Options of <see cref="SubmissionValidator"/>. Every property has a safe default.</summary>
public sealed class SubmissionValidatorOptions
{
    /// <summary>Largest document read, in bytes; larger ones get a <c>LIMIT</c> issue. Default 1 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxDocumentBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting read; deeper documents get a <c>LIMIT</c> issue. Default 64 (a valid submission needs 5).</summary>
    [Range(1, 1000)]
    public int MaxDepth { get; set; } = 64;

    /// <summary>
    /// The clock whose local date decides which dates are in the future (rule VR008). Default <see cref="TimeProvider.System"/>;
    /// tests pass a fake one.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
