using Microsoft.Extensions.Configuration;
using Scribe.Notifications;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Access;

/// <summary>API keys and notification settings are checked at start-up, with one message naming the setting.</summary>
public sealed class ApiOptionsTests
{
    private static T Bind<T>(string section, Dictionary<string, string?> settings) where T : class, new() =>
        ValidatedOptions.Bind<T>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), section);

    private static Dictionary<string, string?> Key(string name, string key, string scopes, int n = 0) => new()
    {
        [$"Api:Keys:{n}:Name"] = name,
        [$"Api:Keys:{n}:Key"] = key,
        [$"Api:Keys:{n}:Scopes"] = scopes,
    };

    [Fact]
    public void Well_formed_keys_bind_with_their_scopes()
    {
        var options = Bind<ApiOptions>(ApiOptions.Section, Key("app", "0123456789abcdef", "transcription, transcripts:read"));
        Assert.Equal(["transcription", "transcripts:read"], Assert.Single(options.Keys).ScopeList());
        Assert.Equal(TimeSpan.FromHours(1), options.ViewerTokenLifetime);
    }

    [Theory]
    [InlineData("app", "0123456789abcdef", "transcripts:write", "Api:Keys:0:Scopes: unknown scope 'transcripts:write'")]
    [InlineData("app", "", "transcription", "Api:Keys:0:Key must be at least 16")]
    [InlineData("app", "short-key", "transcription", "Api:Keys:0:Key must be at least 16")]
    [InlineData("", "0123456789abcdef", "transcription", "Api:Keys:0:Name is required")]
    [InlineData("app", "0123456789abcdef", "", "Api:Keys:0:Scopes names no scope")]
    [InlineData("admin", "0123456789abcdef", "cluster", "Api:Keys:0:Name 'admin' is used twice")]
    [InlineData("app", "                ", "transcription", "Api:Keys:0:Key must be at least 16")]
    [InlineData("app", "0123456789 abcdef", "transcription", "Api:Keys:0:Key must be at least 16")]
    [InlineData("app", "0123456789\tabcdef", "transcription", "Api:Keys:0:Key must be at least 16")]
    public void A_wrong_key_is_refused_naming_it(string name, string key, string scopes, string message)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Bind<ApiOptions>(ApiOptions.Section, Key(name, key, scopes)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_keys_of_one_name_are_refused()
    {
        var settings = Key("app", "0123456789abcdef", "transcription");
        foreach (var (k, v) in Key("App", "fedcba9876543210", "cluster", 1))
        {
            settings[k] = v;
        }

        var error = Assert.Throws<InvalidConfigurationException>(() => Bind<ApiOptions>(ApiOptions.Section, settings));
        Assert.StartsWith("Api:Keys:1:Name 'App' is used twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("twelve-chars")]
    [InlineData("fifteen-chars-x")]
    [InlineData("                        ")]
    [InlineData(" padded-admin-key-0123 ")]
    public void The_admin_key_follows_the_rule_of_every_key(string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Bind<AdminOptions>(AdminOptions.Section, new() { ["Admin:ApiKey"] = key }));
        Assert.StartsWith("Admin:ApiKey must be at least 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_used_twice_is_refused_whoever_holds_it()
    {
        var admin = Bind<AdminOptions>(AdminOptions.Section, new() { ["Admin:ApiKey"] = "the-admin-key-0123456789" });
        var reusesAdmin = Bind<ApiOptions>(ApiOptions.Section, Key("app", "the-admin-key-0123456789", "transcription"));
        var error = Assert.Throws<InvalidConfigurationException>(() => ApiKeyRule.RefuseReuse(admin, reusesAdmin));
        Assert.StartsWith("Api:Keys:0:Key is the key of Admin:ApiKey", error.Message, StringComparison.Ordinal);

        var settings = Key("app", "0123456789abcdef", "transcription");
        foreach (var (k, v) in Key("ops", "0123456789abcdef", "cluster", 1))
        {
            settings[k] = v;
        }

        error = Assert.Throws<InvalidConfigurationException>(() => ApiKeyRule.RefuseReuse(admin, Bind<ApiOptions>(ApiOptions.Section, settings)));
        Assert.StartsWith("Api:Keys:1:Key is the key of Api:Keys:0", error.Message, StringComparison.Ordinal);

        // Distinct keys pass.
        ApiKeyRule.RefuseReuse(admin, Bind<ApiOptions>(ApiOptions.Section, Key("app", "0123456789abcdef", "transcription")));
    }

    [Theory]
    [InlineData("Api:ViewerTokenMinutes", "abc")]
    [InlineData("Api:ViewerTokenMinutes", "1e3")]
    public void A_number_that_is_not_one_is_a_configuration_error_naming_it(string key, string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Bind<ApiOptions>(ApiOptions.Section, new() { [key] = value }));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://backend/hooks", null, "Notifications:Url and Notifications:Secret go together")]
    [InlineData(null, "0123456789abcdef0123456789abcdef", "Notifications:Url and Notifications:Secret go together")]
    [InlineData("http://backend/hooks", "too-short-a-secret", "Notifications:Secret must be at least 32")]
    [InlineData("ftp://backend/hooks", "0123456789abcdef0123456789abcdef", "Notifications:Url must be an absolute http(s) URL")]
    public void Notification_settings_go_together_and_the_secret_is_long(string? url, string? secret, string message)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Bind<NotificationOptions>(NotificationOptions.Section, new()
        {
            ["Notifications:Url"] = url,
            ["Notifications:Secret"] = secret,
        }));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_notification_setting_means_no_notifications()
    {
        Assert.False(Bind<NotificationOptions>(NotificationOptions.Section, []).IsConfigured);
        Assert.True(Bind<NotificationOptions>(NotificationOptions.Section, new()
        {
            ["Notifications:Url"] = "https://backend.example/scribe",
            ["Notifications:Secret"] = "0123456789abcdef0123456789abcdef",
        }).IsConfigured);
    }
}
