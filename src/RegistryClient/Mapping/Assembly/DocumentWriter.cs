using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Writes an episode's values as a submission document (JSON, through one reused buffer) by walking its template:
/// objects with nothing inside are left out, list elements come from indexed fields, then column groups, then
/// follow-up rows. A required field without a value is a located mapping error. The document is the mapper's output
/// as it stands: it is read into the typed model only when a caller asks for <see cref="MappingResult.Submission"/>.
/// </summary>
internal sealed class DocumentWriter
{
    private readonly ByteBuffer _buffer = new();
    private readonly DocumentJson _json;

    public DocumentWriter() => _json = new DocumentJson(_buffer);

    /// <summary>The episode's document as UTF-8 JSON, or null when a required field has no value (the errors say which).</summary>
    public byte[]? Write(Episode episode) => WriteDocument(episode) ? _buffer.Written.ToArray() : null;

    /// <summary>Writes the episode's document into the writer's buffer (<see cref="Written"/>); false when a required
    /// field has no value (the errors say which).</summary>
    public bool WriteDocument(Episode episode)
    {
        _json.Reset();
        WriteObject(episode.Plan.Episode.Root, episode.Root, episode, default);
        return episode.Errors.Count == 0;
    }

    /// <summary>The document <see cref="WriteDocument"/> wrote last, until the next.</summary>
    public ReadOnlySpan<byte> Written => _buffer.Written;

    private void WriteObject(ObjectNode node, Instance instance, Episode episode, ElementAt at)
    {
        _json.StartObject();
        foreach (var child in node.ChildNodes)
        {
            if (Has(child, instance, episode))
            {
                _json.Name(child.QuotedName);
                Write(child, instance, episode, at);
            }
        }

        foreach (var (name, required) in node.Required)
        {
            if (required is null || !Has(required, instance, episode))
            {
                var column = required?.FirstColumn;
                var pointer = at.ToString() + node.Pointer + "/" + name;
                episode.Error(instance.Row, column ?? "", (instance.Context is null ? "" : instance.Context + ": ")
                    + $"There is no value for {pointer}, which the registry requires"
                    + (column is null ? " (the profile maps no column to it)." : "; the cell is empty."));
            }
        }

        _json.EndObject();
    }

    private void Write(PlanNode node, Instance instance, Episode episode, ElementAt at)
    {
        switch (node)
        {
            case ValueNode value:
                instance.Slots[value.Leaf.Slot].WriteTo(_json);
                break;
            case ObjectNode obj:
                WriteObject(obj, instance, episode, at);
                break;
            case ArrayNode array:
                _json.StartArray();
                var index = 0;
                foreach (var element in array.ElementNodes)
                {
                    if (Has(element, instance, episode))
                    {
                        Write(element, instance, episode, at);
                        index++;
                    }
                }

                foreach (var group in array.Groups)
                {
                    if (episode.Groups[group.Index] is { } member)
                    {
                        WriteObject(group.Template.Root, member, episode, new ElementAt(array, index++));
                    }
                }

                if (array.TakesFollowUpRows)
                {
                    for (var i = 0; i < episode.FollowUps.Count; i++)
                    {
                        WriteObject(episode.Plan.FollowUp!.Root, episode.FollowUps[i], episode, new ElementAt(array, index++));
                    }
                }

                _json.EndArray();
                break;
        }
    }

    /// <summary>Whether a node has anything to write: a value, a container's constant, or a value somewhere inside.
    /// Remembered per instance, so that writing a tree asks each node once.</summary>
    private static bool Has(PlanNode node, Instance instance, Episode episode)
    {
        var known = instance.Written[node.Id];
        if (known == 0)
        {
            instance.Written[node.Id] = known = Find(node, instance, episode) ? (byte)1 : (byte)2;
        }

        return known == 1;
    }

    private static bool Find(PlanNode node, Instance instance, Episode episode)
    {
        if (node.Base is { } baseLeaf && instance.Slots[baseLeaf.Slot].HasValue)
        {
            return true;
        }

        switch (node)
        {
            case ValueNode value:
                return instance.Slots[value.Leaf.Slot].HasValue;
            case ObjectNode obj:
                foreach (var child in obj.ChildNodes)
                {
                    if (Has(child, instance, episode))
                    {
                        return true;
                    }
                }

                return false;
            case ArrayNode array:
                if (array.TakesFollowUpRows && episode.FollowUps.Count > 0)
                {
                    return true;
                }

                foreach (var group in array.Groups)
                {
                    if (episode.Groups[group.Index] is not null)
                    {
                        return true;
                    }
                }

                foreach (var element in array.ElementNodes)
                {
                    if (Has(element, instance, episode))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Where an element written from a column group or a follow-up row sits in the document, for errors
    /// only (the pointer's text is made when an error needs it, not for every element).</summary>
    private readonly record struct ElementAt(ArrayNode? Array, int Index)
    {
        public override string ToString() => Array is null ? "" : $"{Array.Pointer}/{Index}";
    }
}
