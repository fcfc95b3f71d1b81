#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <span>
#include <string_view>

namespace weft::http {

/// Length of an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t http_date_length = 29;

/// Writes `t` as an IMF-fixdate (RFC 9110 §5.6.7) into `out` (at least http_date_length).
/// @returns http_date_length. Needs no locale and no allocation.
std::size_t format_http_date(std::time_t t, std::span<char> out) noexcept;

/// Parses an HTTP-date: the IMF-fixdate, and the obsolete RFC 850 ("Sunday, 06-Nov-94
/// 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms recipients must accept
/// (RFC 9110 §5.6.7). nullopt for anything else, including impossible dates.
std::optional<std::time_t> parse_http_date(std::string_view text) noexcept;

/// The value of the Date header for the current second, reformatted at most once a second.
/// One per thread (the loop's): not thread-safe, by design.
class date_cache {
  public:
    /// The current IMF-fixdate; valid until the next call.
    std::string_view now() noexcept;

  private:
    std::time_t second_ = -1;
    char text_[http_date_length] = {};
};

} // namespace weft::http
