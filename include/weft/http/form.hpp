#pragma once

// application/x-www-form-urlencoded: query strings and HTML form bodies.

#include <weft/expected.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::http {

/// Why a query string or form body could not be decoded, and where.
struct form_error {
    std::size_t offset = 0;   ///< byte offset in the input of the offending byte
    std::string_view message; ///< "'%' not followed by two hex digits", ...

    /// `"a=%zz": '%' not followed by two hex digits (at offset 2)`.
    [[nodiscard]] std::string to_string(std::string_view input) const;
};

/// Decoded name/value pairs of a query string or form body, in order, duplicates kept.
///
/// Decoding (WHATWG URL §5.1): pairs split on '&', name and value on the first '=', '+' is a
/// space, `%XX` is one byte, once. Empty pairs ("a=1&&b=2") are skipped; a pair with no '='
/// has an empty value. A '%' that is not followed by two hex digits and a NUL (raw or %00) are
/// errors rather than being passed on (a browser would pass them, but a server that
/// decodes once and safely must not guess).
class form_data {
  public:
    using entry = std::pair<std::string, std::string>;

    form_data() = default;

    /// Decodes `text` (without the leading '?').
    [[nodiscard]] static expected<form_data, form_error> parse(std::string_view text);

    /// The first value of `name`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
    /// Every value of `name`, in order.
    [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;
    /// Whether `name` is present (with any value).
    [[nodiscard]] bool contains(std::string_view name) const noexcept {
        return get(name).has_value();
    }
    /// Every pair in order.
    [[nodiscard]] const std::vector<entry>& entries() const noexcept { return entries_; }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

    /// Appends a pair (for building a query to encode).
    void add(std::string name, std::string value) {
        entries_.emplace_back(std::move(name), std::move(value));
    }

    /// Encodes the pairs as `application/x-www-form-urlencoded` (space as '+').
    [[nodiscard]] std::string encode() const;

  private:
    std::vector<entry> entries_;
};

} // namespace weft::http
