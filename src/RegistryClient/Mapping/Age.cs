namespace RegistryClient.Mapping;

/// <summary>Age in whole years, the way birthdays count it.</summary>
internal static class Age
{
    /// <summary>The age on <paramref name="on"/> of someone born on <paramref name="dateOfBirth"/> (29 February birthdays fall on 1 March in common years).</summary>
    public static int At(DateTime dateOfBirth, DateTime on)
    {
        if (on.Date < dateOfBirth.Date)
        {
            throw new ArgumentException("The date is before the date of birth.", nameof(on));
        }

        var age = on.Year - dateOfBirth.Year;
        if (on.Month < dateOfBirth.Month || (on.Month == dateOfBirth.Month && on.Day < dateOfBirth.Day))
        {
            age--;
        }

        return age;
    }
}
