using System.Text.Json.Serialization.Metadata;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Tests.Mapping;

/// <summary>
/// The mapper orders a document's members by reading the model types (cheap at start-up); the serialiser orders them
/// by its generated metadata. For every type a submission holds, the two must agree, or a mapped document would not be
/// its typed serialisation and would be queued under another key.
/// </summary>
public sealed class ModelOrderTests
{
    [Fact]
    public void EveryObjectTypeOfTheModel_IsOrderedAsTheSerialiserWritesIt()
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<JsonTypeInfo>([RegistryJsonContext.Default.Submission]);
        var compared = 0;
        while (pending.TryDequeue(out var info))
        {
            if (!seen.Add(info.Type))
            {
                continue;
            }

            if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element && RegistryJsonContext.Default.GetTypeInfo(element) is { } item)
            {
                pending.Enqueue(item);
            }

            if (info.Kind != JsonTypeInfoKind.Object)
            {
                continue;
            }

            var serialised = info.Properties.Select((p, at) => (p, at)).OrderBy(p => p.p.Order).ThenBy(p => p.at).Select(p => p.p.Name).ToList();
            Assert.Equal(serialised, ModelOrder.Members(info.Type).Select(m => m.Name).ToList());
            compared++;
            foreach (var property in info.Properties)
            {
                if (RegistryJsonContext.Default.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { } child)
                {
                    pending.Enqueue(child);
                }
            }
        }

        Assert.True(compared >= 10, $"only {compared} object types were compared: the walk did not reach the model");
    }
}
