namespace RegistryClient.Http;

/// <summary>
/// Finds a case by the hospital's id. The API offers no lookup by <c>localRecordId</c>, so this pages through the
/// organisation's cases (one item per case, withdrawn included) until it meets the one asked for.
/// </summary>
internal sealed class CaseFinder(IRegistryApi api, TimeProvider time)
{
    private const int PageSize = 1000;

    /// <summary>
    /// The most pages one listing reads: 10 million cases at the largest page size, far beyond any organisation, so
    /// only a registry whose cursors never end reaches it.
    /// </summary>
    internal const int MaxPages = 10_000;

    public Task<RegistryAnswer<ReceiptList>> PageAsync(string organisationCode, string? cursor, int pageSize, CancellationToken cancellationToken) =>
        RegistryTransport.CallAsync(a => api.ListSubmissionsAsync(organisationCode, cursor, pageSize, a, cancellationToken), time, cancellationToken);

    public async Task<FoundCase> FindAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken)
    {
        var attempts = 0;
        string? cursor = null;
        var paging = new CursorGuard("Finding a case");
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

            cursor = paging.Next(list.NextCursor);
        }
        while (!string.IsNullOrEmpty(cursor));

        return new FoundCase(null, null, attempts);
    }
}

/// <summary>The case found (null when the registry has none), or the answer that stopped the search.</summary>
internal sealed record FoundCase(SubmissionReceipt? Case, RegistryAnswer<ReceiptList>? Error, int Attempts);

/// <summary>
/// Stops a listing that would never end: a registry that hands back a cursor it gave before (or more pages than
/// <see cref="CaseFinder.MaxPages"/>) would otherwise keep <c>reconcile</c> and <c>withdraw</c> paging forever.
/// </summary>
internal sealed class CursorGuard(string what)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _pages = 1;

    /// <summary>The cursor of the next page, after checking it is new and the page cap is not reached.</summary>
    /// <exception cref="RegistryException">The cursor repeats an earlier one, or the listing passed the page cap.</exception>
    public string? Next(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return cursor;
        }

        // The cursor is the registry's opaque token, not a patient identifier, but it is left out: it says nothing useful.
        if (!_seen.Add(cursor!))
        {
            throw new RegistryException($"{what}: the registry returned the cursor of an earlier page again after {_pages} page(s), so its list would never end; it was not read further.");
        }

        if (++_pages > CaseFinder.MaxPages)
        {
            throw new RegistryException($"{what}: the registry's list went on past {CaseFinder.MaxPages} pages, so it was not read further.");
        }

        return cursor;
    }
}
