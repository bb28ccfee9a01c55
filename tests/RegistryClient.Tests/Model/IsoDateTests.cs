using System.Text.Json;
using RegistryClient.Model;

namespace RegistryClient.Tests.Model;

/// <summary>The model reads dates straight from UTF-8; it must accept and refuse exactly what the schema's date format does.</summary>
public sealed class IsoDateTests
{
    [Theory]
    [InlineData("2024-02-29", true)]
    [InlineData("2023-02-29", false)]
    [InlineData("2023-12-31", true)]
    [InlineData("2023-13-01", false)]
    [InlineData("2023-04-31", false)]
    [InlineData("2023-00-10", false)]
    [InlineData("0000-01-01", false)]
    [InlineData("2023-1-01", false)]
    [InlineData("2023-01-01T00:00:00", false)]
    [InlineData("06/03/2023", false)]
    [InlineData("2023\u201301\u201301", false)] // en dashes
    public void Read_AcceptsOnlyCalendarDatesInIsoForm(string text, bool valid)
    {
        var json = JsonSerializer.Serialize(text);

        var read = Read(json, out var date);

        Assert.Equal(valid, read);
        Assert.Equal(DateTime.TryParseExact(text, "yyyy-MM-dd", null, System.Globalization.DateTimeStyles.None, out var expected), read);
        Assert.Equal(expected, date);
    }

    [Fact]
    public void Read_EscapedDate_TakesTheSlowPathToTheSameAnswer()
    {
        Assert.True(Read("\"\\u0032023-03-06\"", out var date));
        Assert.Equal(new DateTime(2023, 3, 6), date);
    }

    private static bool Read(string json, out DateTime date)
    {
        try
        {
            date = JsonSerializer.Deserialize(json, RegistryJsonContext.Default.DateTime);
            return true;
        }
        catch (JsonException)
        {
            date = default;
            return false;
        }
    }
}
