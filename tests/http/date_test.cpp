#include <weft/http/date.hpp>

#include <ctime>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

using namespace weft::http;

namespace {

std::string format(std::time_t t) {
    char buf[http_date_length];
    return std::string(buf, format_http_date(t, buf));
}

TEST(http_date, formats_imf_fixdate) {
    EXPECT_EQ(format(784111777), "Sun, 06 Nov 1994 08:49:37 GMT"); // RFC 9110 §5.6.7's example
    EXPECT_EQ(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format(951782400), "Tue, 29 Feb 2000 00:00:00 GMT"); // leap day, century rule
}

TEST(http_date, parses_all_three_forms_recipients_must_accept) {
    struct row {
        std::string_view text;
        std::time_t want;
    };
    const row rows[] = {
        {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},  // IMF-fixdate
        {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777}, // obsolete RFC 850
        {"Sun Nov  6 08:49:37 1994", 784111777},       // obsolete asctime, space-padded day
        {"Thu, 01 Jan 1970 00:00:00 GMT", 0},          // the epoch
        {"Tue, 29 Feb 2000 00:00:00 GMT", 951782400},  // leap day
    };
    for (const auto& r : rows) {
        const auto t = parse_http_date(r.text);
        ASSERT_TRUE(t) << r.text;
        EXPECT_EQ(*t, r.want) << r.text;
    }
}

TEST(http_date, rejects_malformed_and_impossible_dates) {
    for (const std::string_view bad : {
             "",                               // empty
             "Sun, 06 Nov 1994 08:49:37 UTC",  // zone must be GMT
             "Sun, 31 Feb 1994 08:49:37 GMT",  // no 31 February
             "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 is not a leap year
             "Sun, 06 Nob 1994 08:49:37 GMT",  // unknown month
             "Sun, 06 Nov 1994 24:00:00 GMT",  // hour out of range
             "Sun, 6 Nov 1994 08:49:37 GMT",   // day must be two digits
             "Funday, 06-Nov-94 08:49:37 GMT", // unknown day name
             "Sun Nov  6 08:49:37 94",         // asctime needs four digits of year
             "1994-11-06T08:49:37Z",           // ISO 8601 is not an HTTP-date
         }) {
        EXPECT_FALSE(parse_http_date(bad)) << bad;
    }
}

TEST(http_date, round_trips_over_many_seconds) {
    for (std::time_t t = 0; t < 4'000'000'000; t += 7'654'321) {
        EXPECT_EQ(parse_http_date(format(t)), t) << t;
    }
}

TEST(date_cache, gives_the_current_second) {
    date_cache cache;
    const std::time_t before = std::time(nullptr);
    const auto text = std::string(cache.now());
    const std::time_t after = std::time(nullptr);
    const auto t = parse_http_date(text);
    ASSERT_TRUE(t);
    EXPECT_GE(*t, before);
    EXPECT_LE(*t, after);
}

} // namespace
