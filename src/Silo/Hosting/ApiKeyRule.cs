namespace Scribe.Silo.Hosting;

/// <summary>Placeholder before the fix: no cross-key check yet.</summary>
public static class ApiKeyRule
{
    public static void RefuseReuse(AdminOptions admin, ApiOptions api)
    {
    }
}
