using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace RegistryClient.Hosting;

/// <summary>One located error of a dropped file: its row, column (or JSON Pointer), code and message; never a cell's value.</summary>
internal sealed record FileError(string File, int Row, string Column, string Code, string Message)
{
    public string Text => $"{File}:{Row.ToString(CultureInfo.InvariantCulture)}:{(Column.Length == 0 ? "*" : Column)}: error {Code}: {Message}";

    public string Csv => string.Join(",", Escape(File), Row.ToString(CultureInfo.InvariantCulture), Escape(Column), Escape(Code), Escape(Message));

    private static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 && !value.StartsWith("=", StringComparison.Ordinal) && !value.StartsWith("+", StringComparison.Ordinal)
            && !value.StartsWith("-", StringComparison.Ordinal) && !value.StartsWith("@", StringComparison.Ordinal)
            ? value
            : "\"" + (value.Length > 0 && "=+-@".IndexOf(value[0]) >= 0 ? "'" : "") + value.Replace("\"", "\"\"") + "\"";
}

/// <summary>What became of a dropped file: written beside it (<c>NAME.summary.json</c>) and kept in the ledger; counts and locations only.</summary>
internal sealed record Summary
{
    public required string File { get; init; }

    public required string ContentHash { get; init; }

    public DateTimeOffset IngestedAt { get; init; }

    public int Episodes { get; init; }

    public int Queued { get; init; }

    public int AlreadyQueued { get; init; }

    public int Stale { get; init; }

    public int Invalid { get; init; }

    public bool Rejected { get; init; }

    public string? MovedAs { get; init; }

    public string? DuplicateOf { get; init; }

    public IReadOnlyList<FileError> Errors { get; init; } = [];

    public static Summary Duplicate(string name, string hash, Summary? original) => new()
    {
        File = name,
        ContentHash = hash,
        IngestedAt = original?.IngestedAt ?? default,
        DuplicateOf = original?.MovedAs ?? original?.File ?? "an earlier file",
    };

    public string ToJson()
    {
        var errors = new JsonArray();
        foreach (var e in Errors)
        {
            errors.Add(new JsonObject { ["row"] = e.Row, ["column"] = e.Column, ["code"] = e.Code, ["message"] = e.Message });
        }

        var json = new JsonObject
        {
            ["file"] = File,
            ["contentHash"] = ContentHash,
            ["ingestedAt"] = IngestedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["outcome"] = DuplicateOf is not null ? "duplicate" : Rejected ? "rejected" : "processed",
            ["episodes"] = Episodes,
            ["queued"] = Queued,
            ["alreadyQueued"] = AlreadyQueued,
            ["stale"] = Stale,
            ["invalid"] = Invalid,
        };
        if (MovedAs is not null)
        {
            json["movedAs"] = MovedAs;
        }

        if (DuplicateOf is not null)
        {
            json["duplicateOf"] = DuplicateOf;
        }

        json["errors"] = errors;
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static Summary? Read(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject json)
            {
                return null;
            }

            var file = (string?)json["file"];
            var hash = (string?)json["contentHash"];
            if (file is null || hash is null)
            {
                return null;
            }

            var errors = (json["errors"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => new FileError(file, (int?)e["row"] ?? 0, (string?)e["column"] ?? "", (string?)e["code"] ?? "", (string?)e["message"] ?? ""))
                .ToList();
            return new Summary
            {
                File = file,
                ContentHash = hash,
                IngestedAt = DateTimeOffset.TryParse((string?)json["ingestedAt"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : default,
                Episodes = (int?)json["episodes"] ?? 0,
                Queued = (int?)json["queued"] ?? 0,
                AlreadyQueued = (int?)json["alreadyQueued"] ?? 0,
                Stale = (int?)json["stale"] ?? 0,
                Invalid = (int?)json["invalid"] ?? 0,
                Rejected = (string?)json["outcome"] == "rejected",
                MovedAs = (string?)json["movedAs"],
                Errors = errors,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The drop folder's log lines: file names and counts, never a value from the export.</summary>
internal static partial class DropFolderLog
{
    public static void Ingested(ILogger logger, string file, string outcome, int episodes, int queued, int alreadyQueued, int invalid, bool duplicate)
    {
        if (duplicate)
        {
            IngestedCopy(logger, file, outcome);
        }
        else
        {
            IngestedFile(logger, file, outcome, episodes, queued, alreadyQueued, invalid);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "{File} {Outcome}: {Episodes} episode(s), {Queued} queued, {AlreadyQueued} already queued, {Invalid} invalid")]
    private static partial void IngestedFile(ILogger logger, string file, string outcome, int episodes, int queued, int alreadyQueued, int invalid);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "{File} {Outcome}: a copy of a file already ingested; nothing queued again")]
    private static partial void IngestedCopy(ILogger logger, string file, string outcome);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "{File} could not be ingested now ({Reason}); it stays in the folder and is tried again")]
    public static partial void NotMoved(ILogger logger, string file, string reason);
}
