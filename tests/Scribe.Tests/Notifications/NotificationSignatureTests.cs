using System.Security.Cryptography;
using System.Text;
using Scribe.Notifications;

namespace Scribe.Tests.Notifications;

public sealed class NotificationSignatureTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void The_header_is_the_time_and_the_hmac_of_time_dot_body()
    {
        var body = """{"id":"evt_1"}"""u8.ToArray();
        var header = NotificationSignature.Sign(Secret, Now, body);

        // Recomputed here the way a receiver in any language would.
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1800000000." + """{"id":"evt_1"}""")));
        Assert.Equal("t=1800000000,v1=" + expected, header);
        Assert.True(NotificationSignature.Verify(Secret, header, body, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Another_secret_body_or_an_old_time_fails()
    {
        var body = """{"id":"evt_1"}"""u8.ToArray();
        var header = NotificationSignature.Sign(Secret, Now, body);

        Assert.False(NotificationSignature.Verify(Secret + "x", header, body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(NotificationSignature.Verify(Secret, header, """{"id":"evt_2"}"""u8.ToArray(), Now, TimeSpan.FromMinutes(5)));
        Assert.False(NotificationSignature.Verify(Secret, header, body, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(NotificationSignature.Verify(Secret, "t=1800000000", body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(NotificationSignature.Verify(Secret, "", body, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Retries_double_from_the_first_delay_and_stop_after_the_window()
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(5), TimeSpan.FromHours(24));
        var created = Now;
        Assert.Equal(Now.AddSeconds(5), schedule.NextAttempt(1, created, Now));
        Assert.Equal(Now.AddSeconds(10), schedule.NextAttempt(2, created, Now));
        Assert.Equal(Now.AddSeconds(20), schedule.NextAttempt(3, created, Now));
        Assert.Equal(Now.AddSeconds(5 * 1024), schedule.NextAttempt(11, created, Now));
        Assert.Null(schedule.NextAttempt(20, created, Now.AddHours(23)));
        Assert.Null(schedule.NextAttempt(1, created, Now.AddHours(24)));
    }
}
