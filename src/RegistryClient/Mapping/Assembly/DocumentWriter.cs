using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Writes an episode's values as a submission document (JSON, through one reused buffer) by walking its template:
/// objects with nothing inside are left out, list elements come from indexed fields, then column groups, then
/// follow-up rows. A required field without a value is a located mapping error. The document is then read into the
/// typed <see cref="Submission"/>.
/// </summary>
internal sealed class DocumentWriter
{
    private readonly ByteBuffer _buffer = new();
    private readonly Utf8JsonWriter _json;

    public DocumentWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public Submission? Write(Episode episode)
    {
        _buffer.Reset();
        _json.Reset(_buffer);
        WriteObject(episode.Plan.Episode.Root, episode.Root, episode, "");
        _json.Flush();
        if (episode.Errors.Count > 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(_buffer.Written, RegistryJsonContext.Default.Submission);
        }
        catch (JsonException ex)
        {
            episode.Error(episode.FirstRow, "", $"The mapped episode does not fit the submission model at {ex.Path ?? "its root"}.");
            return null;
        }
    }

    private void WriteObject(ObjectNode node, Instance instance, Episode episode, string at)
    {
        _json.WriteStartObject();
        foreach (var (name, child) in node.Children)
        {
            if (Has(child, instance, episode))
            {
                _json.WritePropertyName(name);
                Write(child, instance, episode, at);
            }
        }

        foreach (var (name, required) in node.Required)
        {
            if (required is null || !Has(required, instance, episode))
            {
                var column = required?.FirstColumn;
                var pointer = at + node.Pointer + "/" + name;
                episode.Error(instance.Row, column ?? "", (instance.Context is null ? "" : instance.Context + ": ")
                    + $"There is no value for {pointer}, which the registry requires"
                    + (column is null ? " (the profile maps no column to it)." : "; the cell is empty."));
            }
        }

        _json.WriteEndObject();
    }

    private void Write(PlanNode node, Instance instance, Episode episode, string at)
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
                _json.WriteStartArray();
                var index = 0;
                foreach (var element in array.Elements.Values)
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
                        WriteObject(group.Template.Root, member, episode, $"{at}{array.Pointer}/{index++}");
                    }
                }

                if (array.TakesFollowUpRows)
                {
                    foreach (var followUp in episode.FollowUps)
                    {
                        WriteObject(episode.Plan.FollowUp!.Root, followUp, episode, $"{at}{array.Pointer}/{index++}");
                    }
                }

                _json.WriteEndArray();
                break;
        }
    }

    /// <summary>Whether a node has anything to write: a value, a container's constant, or a value somewhere inside.</summary>
    private static bool Has(PlanNode node, Instance instance, Episode episode)
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
                foreach (var child in obj.Children)
                {
                    if (Has(child.Value, instance, episode))
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

                foreach (var element in array.Elements.Values)
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
}
