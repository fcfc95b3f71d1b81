#include <weft/http/date.hpp>

#include <array>
#include <cstring>

namespace weft::http {

namespace {

constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* out, int v) noexcept {
    out[0] = static_cast<char>('0' + v / 10);
    out[1] = static_cast<char>('0' + v % 10);
}

bool is_leap(long y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(long y, int m) noexcept {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 1 && is_leap(y) ? 29 : days[m];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long days_from_civil(long y, int m, int d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// A fixed-width decimal field of `n` digits at s[pos].
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<int> month_index(std::string_view s) noexcept {
    for (std::size_t i = 0; i < month_names.size(); ++i) {
        if (s == month_names[i]) {
            return static_cast<int>(i);
        }
    }
    return std::nullopt;
}

// hh:mm:ss at s[pos].
bool parse_clock(std::string_view s, std::size_t pos, int& h, int& m, int& sec) noexcept {
    const auto hh = digits(s, pos, 2);
    const auto mm = digits(s, pos + 3, 2);
    const auto ss = digits(s, pos + 6, 2);
    if (!hh || !mm || !ss || s[pos + 2] != ':' || s[pos + 5] != ':') {
        return false;
    }
    h = *hh;
    m = *mm;
    sec = *ss;
    return h < 24 && m < 60 && sec < 61; // 60: a leap second, as RFC 9110 allows
}

std::optional<std::time_t> assemble(long year, int month, int day, int h, int m, int s) noexcept {
    if (month < 0 || month > 11 || day < 1 || day > days_in_month(year, month)) {
        return std::nullopt;
    }
    const long days = days_from_civil(year, month + 1, day);
    return static_cast<std::time_t>(days * 86400L + h * 3600L + m * 60L + (s == 60 ? 59 : s));
}

} // namespace

std::size_t format_http_date(std::time_t t, std::span<char> out) noexcept {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char* p = out.data();
    std::memcpy(p, day_names[static_cast<std::size_t>(tm.tm_wday)].data(), 3);
    p[3] = ',';
    p[4] = ' ';
    put2(p + 5, tm.tm_mday);
    p[7] = ' ';
    std::memcpy(p + 8, month_names[static_cast<std::size_t>(tm.tm_mon)].data(), 3);
    p[11] = ' ';
    const int year = tm.tm_year + 1900;
    put2(p + 12, year / 100 % 100);
    put2(p + 14, year % 100);
    p[16] = ' ';
    put2(p + 17, tm.tm_hour);
    p[19] = ':';
    put2(p + 20, tm.tm_min);
    p[22] = ':';
    put2(p + 23, tm.tm_sec);
    std::memcpy(p + 25, " GMT", 4);
    return http_date_length;
}

std::optional<std::time_t> parse_http_date(std::string_view s) noexcept {
    int h = 0, m = 0, sec = 0;
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (s.size() == http_date_length && s[3] == ',') {
        const auto day = digits(s, 5, 2);
        const auto month = month_index(s.substr(8, 3));
        const auto year = digits(s, 12, 4);
        if (!day || !month || !year || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
            s.substr(25) != " GMT" || !parse_clock(s, 17, h, m, sec)) {
            return std::nullopt;
        }
        return assemble(*year, *month, *day, h, m, sec);
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (s.size() == 24 && s[3] == ' ') {
        const auto month = month_index(s.substr(4, 3));
        const auto day = s[8] == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
        const auto year = digits(s, 20, 4);
        if (!month || !day || !year || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' ||
            !parse_clock(s, 11, h, m, sec)) {
            return std::nullopt;
        }
        return assemble(*year, *month, *day, h, m, sec);
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year within 50 years of now
    // is read as the past (RFC 9110 §5.6.7), here simply 70-99 → 19xx, 00-69 → 20xx.
    const std::size_t comma = s.find(',');
    if (comma != std::string_view::npos && comma >= 6 && s.size() == comma + 24) {
        bool known_day = false;
        for (const auto d : long_day_names) {
            known_day = known_day || s.substr(0, comma) == d;
        }
        const std::size_t p = comma + 2;
        const auto day = digits(s, p, 2);
        const auto month = month_index(s.substr(p + 3, 3));
        const auto yy = digits(s, p + 7, 2);
        if (!known_day || !day || !month || !yy || s[comma + 1] != ' ' || s[p + 2] != '-' ||
            s[p + 6] != '-' || s[p + 9] != ' ' || s.substr(p + 18) != " GMT" ||
            !parse_clock(s, p + 10, h, m, sec)) {
            return std::nullopt;
        }
        return assemble(*yy < 70 ? 2000 + *yy : 1900 + *yy, *month, *day, h, m, sec);
    }
    return std::nullopt;
}

std::string_view date_cache::now() noexcept {
    const std::time_t t = std::time(nullptr);
    if (t != second_) {
        second_ = t;
        format_http_date(t, text_);
    }
    return {text_, http_date_length};
}

} // namespace weft::http
