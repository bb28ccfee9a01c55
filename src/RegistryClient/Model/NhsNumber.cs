namespace RegistryClient.Model;

/// <summary>The NHS number's modulus 11 check.</summary>
public static class NhsNumber
{
    /// <summary>
    /// Whether <paramref name="value"/> is ten digits whose last is the modulus 11 check digit of the first nine
    /// (weights 10 to 2; a check of 11 is 0; a check of 10 is never valid).
    /// </summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            if (value[i] is < '0' or > '9')
            {
                return false;
            }

            if (i < 9)
            {
                sum += (value[i] - '0') * (10 - i);
            }
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == value[9] - '0';
    }

    /// <summary>
    /// Strips the spaces and hyphens people and systems put in NHS numbers (<c>999 000 0018</c>, <c>999-000-0018</c>).
    /// Anything else is left as it is, for the schema and rule VR001 to judge.
    /// </summary>
    public static string Normalise(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var trimmed = value.Trim();
        return trimmed.IndexOfAny([' ', '-']) < 0 ? trimmed : trimmed.Replace(" ", "").Replace("-", "");
    }
}
