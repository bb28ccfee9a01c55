namespace RegistryClient.Http;

/// <summary>
/// Finds a case by the hospital's id. The API offers no lookup by <c>localRecordId</c>, so this pages through the
/// organisation's cases (one item per case, withdrawn included) until it meets the one asked for.
/// </summary>
internal sealed class CaseFinder(IRegistryApi api, TimeProvider time)
{
    private const int PageSize = 1000;

    public Task<RegistryAnswer<ReceiptList>> PageAsync(string organisationCode, string? cursor, int pageSize, CancellationToken cancellationToken) =>
        RegistryTransport.CallAsync(a => api.ListSubmissionsAsync(organisationCode, cursor, pageSize, a, cancellationToken), time, cancellationToken);

    public async Task<FoundCase> FindAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken)
    {
        var attempts = 0;
        string? cursor = null;
        do
        {
            var page = await PageAsync(organisationCode, cursor, PageSize, cancellationToken).ConfigureAwait(false);
            attempts += page.Attempts;
            if (page is not { Status: 200, Content: { } list })
            {
                return new FoundCase(null, page, attempts);
            }

            foreach (var receipt in list.Items)
            {
                if (string.Equals(receipt.LocalRecordId, localRecordId, StringComparison.Ordinal)
                    && string.Equals(receipt.OrganisationCode, organisationCode, StringComparison.Ordinal))
                {
                    return new FoundCase(receipt, null, attempts);
                }
            }

            cursor = list.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));

        return new FoundCase(null, null, attempts);
    }
}

/// <summary>The case found (null when the registry has none), or the answer that stopped the search.</summary>
internal sealed record FoundCase(SubmissionReceipt? Case, RegistryAnswer<ReceiptList>? Error, int Attempts);
