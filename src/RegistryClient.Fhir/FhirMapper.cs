using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;
using RegistryClient.Fhir.Input;
using RegistryClient.Mapping;

namespace RegistryClient.Fhir;

/// <summary>
/// Maps FHIR R4 input (a Bundle or resource file, Bulk Data NDJSON, or a folder of them) to submissions with a
/// <see cref="FhirMappingProfile"/>: one episode per anchor resource that passes the profile's filter, each field
/// from its FHIRPath expression on the anchor, through the same value maps, conversions, derived fields
/// (<c>ageAtProcedure</c> from the date of birth, <c>dvtClass</c>) and document writer as CSV mapping.
/// </summary>
/// <remarks>
/// <para>Memory: one pass indexes every resource by its location only (file, byte range, line, type and id;
/// 200-300 bytes each, by estimate) and which resources refer to an anchor-type resource; the files are memory-mapped, so no resource's
/// content is held. Then each anchor is read, parsed and mapped; a resource an expression resolves is read and parsed
/// when it is resolved, and kept only while its episode is mapped. So the heap grows with the number of resources, not
/// their size; the mapped files' pages are the operating system's page cache, which it reclaims as it needs.</para>
/// <para>Errors are located by file, line (the NDJSON line, or the line where a Bundle entry's resource starts), the
/// anchor's <c>Type/id</c> and the field's pointer and FHIRPath; they never hold a value from the input. An episode
/// with any error is not emitted.</para>
/// </remarks>
public static class FhirMapper
{
    /// <summary>The most references one episode's expressions may resolve: more is a reference cycle (or a profile that
    /// walks the whole input), reported as an error rather than followed.</summary>
    public const int MaxResolvesPerEpisode = 10_000;

    private const int EvaluationBatch = 64;

    /// <summary>Maps every episode of the input at <paramref name="path"/>: a <c>.json</c> file (a Bundle of type
    /// collection, searchset, transaction..., or one resource), a <c>.ndjson</c> file (FHIR Bulk Data: one resource per
    /// line), or a folder of such files (recursively). Results come in input order; errors name the file.</summary>
    /// <param name="profile">A profile from <see cref="FhirMappingProfile.Load"/>.</param>
    /// <param name="path">The input file or folder.</param>
    /// <param name="cancellationToken">Cancels the mapping.</param>
    /// <exception cref="IOException">A file cannot be opened.</exception>
    public static IAsyncEnumerable<MappingResult> MapPathAsync(FhirMappingProfile profile, string path, CancellationToken cancellationToken = default) =>
        MapPathAsync(profile, path, null, cancellationToken);

    /// <summary>Maps every episode of the input at <paramref name="path"/>, as <see cref="MapPathAsync(FhirMappingProfile, string, CancellationToken)"/>,
    /// with <paramref name="options"/> (such as a check of every resource an episode reads, e.g. FHIR validation).</summary>
    /// <param name="profile">A profile from <see cref="FhirMappingProfile.Load"/>.</param>
    /// <param name="path">The input file or folder.</param>
    /// <param name="options">How to map; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the mapping.</param>
    /// <exception cref="IOException">A file cannot be opened.</exception>
    public static async IAsyncEnumerable<MappingResult> MapPathAsync(FhirMappingProfile profile, string path, FhirMapOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (profile is null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"No such file or folder: {path}", path);
        }

        using var index = ResourceIndex.Build(path, profile.AnchorType, cancellationToken);
        foreach (var problem in index.Problems)
        {
            yield return new MappingResult
            {
                Source = problem.File, Row = problem.Line, Rows = 0,
                Errors = [new MappingError { Source = problem.File, Row = problem.Line, Column = "", Message = problem.Message }],
            };
        }

        var plan = FieldPlan.Compile(profile.Tabular);
        var header = plan.Columns().Distinct(StringComparer.Ordinal).ToArray();
        var used = plan.Bind(header);
        var contexts = new Dictionary<int, MapContext>();
        var columns = header.Select(h => profile.Columns.TryGetValue(h, out var source) ? source : null).ToArray();
        var keyColumn = Array.IndexOf(header, profile.Tabular.Key);
        var finisher = new Finisher();
        var pending = new Queue<string?>(); // the anchor's Type/id for each item queued, to locate the mapper's errors
        var full = false;

        // Expressions are evaluated a batch of anchors at a time on the thread pool (one evaluator per batch in flight,
        // at most one batch per processor), and their rows go to the finisher in input order.
        var evaluators = new ConcurrentBag<Evaluator>();
        var running = new Queue<System.Threading.Tasks.Task<(int Anchor, Evaluator.Outcome? Outcome)[]>>();
        var inFlight = Math.Max(1, Environment.ProcessorCount);
        (int, Evaluator.Outcome?)[] EvaluateBatch(int[] anchors)
        {
            var evaluator = evaluators.TryTake(out var idle) ? idle : new Evaluator(profile, index, options?.CheckResource);
            try
            {
                var outcomes = new (int, Evaluator.Outcome?)[anchors.Length];
                for (var i = 0; i < anchors.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    outcomes[i] = (anchors[i], evaluator.Evaluate(anchors[i], columns, header));
                }

                return outcomes;
            }
            finally
            {
                evaluators.Add(evaluator);
            }
        }

        async System.Threading.Tasks.Task<List<MappingResult>> QueueAsync((int Anchor, Evaluator.Outcome? Outcome)[] outcomes)
        {
            var done = new List<MappingResult>();
            foreach (var (anchor, outcome) in outcomes)
            {
                if (full)
                {
                    full = false;
                    done.AddRange((await finisher.RotateAsync(cancellationToken).ConfigureAwait(false)).SelectMany(b => b.Results).Select(r => Locate(r, pending.Dequeue())));
                }

                if (outcome is null)
                {
                    continue; // not an episode: the anchor filter said no
                }

                var entry = index.Entries[anchor];
                var file = index.FileName(entry.File);
                if (outcome.Errors.Count > 0)
                {
                    full |= finisher.Add(new MappingResult
                    {
                        Source = file, Row = entry.Line,
                        Errors = outcome.Errors.Select(e => new MappingError { Source = file, Row = entry.Line, Column = e.Column, Message = e.Message }).ToList(),
                    });
                    pending.Enqueue(null);
                    continue;
                }

                outcome.Values[keyColumn] = entry.Reference;
                if (!contexts.TryGetValue(entry.File, out var context))
                {
                    contexts[entry.File] = context = new MapContext(file, header, used, "utf-8");
                }

                full |= finisher.Add(new Episode(new SourceRow { Row = entry.Line, Values = outcome.Values }, plan, context));
                pending.Enqueue(entry.Reference);
            }

            return done;
        }

        foreach (var batch in index.Anchors.Chunk(EvaluationBatch))
        {
            running.Enqueue(System.Threading.Tasks.Task.Run(() => EvaluateBatch(batch), cancellationToken));
            while (running.Count >= inFlight)
            {
                foreach (var result in await QueueAsync(await running.Dequeue().ConfigureAwait(false)).ConfigureAwait(false))
                {
                    yield return result;
                }
            }
        }

        while (running.Count > 0)
        {
            foreach (var result in await QueueAsync(await running.Dequeue().ConfigureAwait(false)).ConfigureAwait(false))
            {
                yield return result;
            }
        }

        foreach (var result in (await finisher.DrainAsync().ConfigureAwait(false)).SelectMany(b => b.Results))
        {
            yield return Locate(result, pending.Dequeue());
        }
    }

    /// <summary>Puts the anchor's <c>Type/id</c> in front of the synthetic column the tabular mapper named, and says
    /// "value" where it said "cell".</summary>
    private static MappingResult Locate(MappingResult result, string? anchor)
    {
        if (anchor is null || result.Errors.Count == 0)
        {
            return result;
        }

        return new MappingResult
        {
            Source = result.Source, Row = result.Row, Rows = result.Rows, IsInputError = result.IsInputError,
            Errors = result.Errors.Select(e => new MappingError
            {
                Source = e.Source, Row = e.Row,
                Column = e.Column.Length == 0 || e.Column == "$anchor" ? anchor : anchor + " " + e.Column,
                Message = e.Message.Replace("The cell ", "The value ").Replace("the column", "the expression"),
            }).ToList(),
        };
    }
}

/// <summary>Evaluates a profile's expressions on one anchor at a time, resolving references through the index.</summary>
internal sealed class Evaluator(FhirMappingProfile profile, ResourceIndex index, Func<Resource, IReadOnlyList<string>>? check)
{
    private readonly FhirJsonDeserializer _deserializer = new(new DeserializerSettings());
    private readonly Dictionary<int, PocoNode?> _parsed = [];
    private readonly List<(string Column, string Message)> _errors = [];
    private string _anchorReference = "";
    private string _where = "";
    private int _resolves;
    private int _anchor = -1;

    public sealed record Outcome(string[] Values, List<(string Column, string Message)> Errors);

    /// <summary>The anchor's cells, or its errors; null when the anchor filter leaves it out.</summary>
    public Outcome? Evaluate(int anchor, ColumnSource?[] columns, string[] header)
    {
        _parsed.Clear();
        _errors.Clear();
        _resolves = 0;
        var entry = index.Entries[anchor];
        _anchorReference = entry.Reference;
        _anchor = anchor;
        _where = "%referrers";
        var values = new string[columns.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = "";
        }

        var root = Parse(anchor, out var problem);
        if (root is null)
        {
            // Without parsing it the filter cannot say whether it is an episode: report it, never skip it silently.
            return new Outcome(values, [(_anchorReference, problem!)]);
        }

        var context = new FhirEvaluationContext { Resource = root, RootResource = root };
        context.ElementResolver = Resolve;
        context.Environment["anchor"] = [root];
        context.Environment["referrers"] = index.Referrers(anchor).Select(r => Parse(r, out _)).Where(n => n is not null).Cast<PocoNode>().ToList();

        try
        {
            if (profile.AnchorFilter is { } filter)
            {
                _where = "anchor filter [" + profile.AnchorWhere + "]";
                var selected = filter.Predicate(root, context);
                if (_errors.Count > 0)
                {
                    return new Outcome(values, [.. _errors]);
                }

                if (!selected)
                {
                    return null;
                }
            }

            foreach (var (name, expression, text) in profile.Variables)
            {
                _where = "%" + name + " [" + text + "]";
                context.Environment[name] = expression(new[] { root }, context).ToList();
            }

            // forEach selections first: their elements are the context of the element fields.
            var elements = new Dictionary<int, List<PocoNode>>();
            for (var i = 0; i < columns.Length; i++)
            {
                if (columns[i] is { IsElement: true, Element: 0 } each)
                {
                    _where = header[i];
                    elements[each.ForEach] = each.Expression(new[] { root }, context).ToList();
                }
            }

            for (var i = 0; i < columns.Length; i++)
            {
                if (columns[i] is not { } source)
                {
                    continue;
                }

                var column = header[i];
                _where = column;
                if (source.IsElement)
                {
                    var all = elements[source.ForEach];
                    if (source.Element == 0 && all.Count > MaxElements(columns, source.ForEach))
                    {
                        _errors.Add((_anchorReference + " " + column, $"The forEach selection yields {all.Count} elements; the profile allows {MaxElements(columns, source.ForEach)} (raise its max)."));
                    }

                    values[i] = source.Element < all.Count ? "1" : "";
                    continue;
                }

                IEnumerable<PocoNode> focus;
                if (source.ForEach >= 0)
                {
                    var all = elements[source.ForEach];
                    if (source.Element >= all.Count)
                    {
                        continue;
                    }

                    focus = [all[source.Element]];
                }
                else
                {
                    focus = [root];
                }

                var before = _errors.Count;
                var results = source.Expression(focus, context).ToList();
                if (_errors.Count > before)
                {
                    continue;
                }

                if (results.Count > 1 && !source.IsList)
                {
                    _errors.Add((_anchorReference + " " + column, $"The expression yields {results.Count} values where one is expected."));
                    continue;
                }

                var texts = new List<string>(results.Count);
                foreach (var result in results)
                {
                    if (Expressions.Text(result, source.IsDate) is not { } text)
                    {
                        _errors.Add((_anchorReference + " " + column, $"The expression yields a {result.Poco?.TypeName ?? "complex value"}, not a value; end it with the element that holds the value (such as .code or .value)."));
                        break;
                    }

                    if (text.Contains(FhirMappingProfile.ListSeparator, StringComparison.Ordinal))
                    {
                        _errors.Add((_anchorReference + " " + column, "The value holds a control character (U+001F)."));
                        break;
                    }

                    texts.Add(text.Trim());
                }

                values[i] = string.Join(FhirMappingProfile.ListSeparator, texts);
            }
        }
        catch (TooManyResolvesException)
        {
            _errors.Add((_anchorReference + " " + _where, $"The expressions resolved more than {FhirMapper.MaxResolvesPerEpisode} references for this episode (a reference cycle?); nothing was mapped."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The FHIRPath engine's own failures (a function on the wrong type, a conversion): located, never a crash.
            _errors.Add((_anchorReference + " " + _where, $"The expression could not be evaluated on this resource ({ex.GetType().Name})."));
        }

        return new Outcome(values, [.. _errors]);
    }

    private static int MaxElements(ColumnSource?[] columns, int forEach) => columns.Count(c => c is { IsElement: true } && c.ForEach == forEach);

    private PocoNode? Resolve(string reference)
    {
        if (++_resolves > FhirMapper.MaxResolvesPerEpisode)
        {
            throw new TooManyResolvesException();
        }

        switch (index.Find(reference, out var entry))
        {
            case ResolveOutcome.Found:
                var node = Parse(entry, out var problem);
                if (node is null)
                {
                    _errors.Add((_anchorReference + " " + _where, $"The reference to {Name(reference)} leads to a resource that does not parse: {problem}"));
                }

                return node;
            case ResolveOutcome.Unreadable:
                _errors.Add((_anchorReference + " " + _where, $"The reference to {Name(reference)} leads to a resource that could not be read (reported at its own line)."));
                return null;
            case ResolveOutcome.Ambiguous:
                _errors.Add((_anchorReference + " " + _where, $"The reference to {Name(reference)} is ambiguous: the input holds that resource more than once."));
                return null;
            default:
                _errors.Add((_anchorReference + " " + _where, $"The reference to {Name(reference)} does not resolve: no such resource is in the input."));
                return null;
        }
    }

    /// <summary>A reference's <c>Type/id</c> (or URN), which names a resource, not a patient.</summary>
    private static string Name(string reference) => ResourceIndex.Key(reference) ?? "a contained or malformed reference";

    private PocoNode? Parse(int entryIndex, out string? problem)
    {
        problem = null;
        if (_parsed.TryGetValue(entryIndex, out var cached))
        {
            problem = cached is null ? "it does not parse as FHIR R4" : null;
            return cached;
        }

        var entry = index.Entries[entryIndex];
        var reader = new System.Text.Json.Utf8JsonReader(index.Json(entry), new System.Text.Json.JsonReaderOptions { MaxDepth = ResourceIndex.MaxDepth });
        PocoNode? node = null;
        try
        {
            if (_deserializer.TryDeserializeResource(ref reader, out var resource, out var issues) && resource is not null)
            {
                node = resource.ToPocoNode();
                if (check?.Invoke(resource) is { Count: > 0 } problems)
                {
                    // The resource parsed but does not conform: its episode fails, with each problem located by resource.
                    foreach (var checkProblem in problems)
                    {
                        var column = entryIndex == _anchor ? entry.Reference : _anchorReference + " " + _where;
                        _errors.Add((column, $"{entry.Reference} ({index.FileName(entry.File)} line {entry.Line}) does not conform: {checkProblem}"));
                    }
                }
            }
            else
            {
                var codes = issues.Select(i => i.ErrorCode).Distinct().Take(5);
                problem = $"{entry.Reference} ({index.FileName(entry.File)} line {entry.Line}) does not parse as FHIR R4 (issues {string.Join(", ", codes)}).";
            }
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            problem = $"{entry.Reference} ({index.FileName(entry.File)} line {entry.Line}) does not parse as FHIR R4 ({ex.GetType().Name}).";
        }

        _parsed[entryIndex] = node;
        return node;
    }

    private sealed class TooManyResolvesException : Exception;
}
