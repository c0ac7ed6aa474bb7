namespace Scribe.Silo.Api;

/// <summary>The admin API: rooms, their transcripts, and their transcription. Every route needs the admin key.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        api.MapRoomsApi();
        api.MapTranscriptApi();
        api.MapTranscriptStreamApi();
        api.MapTranscriptionApi();
        return app;
    }
}
