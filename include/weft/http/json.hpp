#pragma once

// JSON bodies for C++ types, serde-style: a struct described with BOOST_DESCRIBE_STRUCT is read
// from and written to JSON with one call, and every error names the JSON path of the problem.
// See docs/json.md.

#include <weft/expected.hpp>
#include <weft/http/response.hpp>
#include <weft/http/status.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

namespace weft::http {

/// Why a JSON text could not be read as a `T`: where, and what was wrong.
///
/// Two kinds:
/// - a syntax error (the text is not JSON, or is nested deeper than `json_options::max_depth`):
///   `path` is `"$"`, and `offset` (0-based byte
///   offset), `line` and `column` (both 1-based, the column counted in bytes) say where;
/// - a conversion error (the JSON does not fit `T`): `path` names the value, e.g.
///   `"$.items[2].name"` (JSONPath: `.name` for identifier-like keys, `["a b"]` otherwise,
///   `[i]` for array elements), and `line == column == offset == 0`.
///
/// `message` is lower-case English without the path, e.g. `"expected a string, got number"`,
/// `"missing required field"`, `"out of range for uint8"`. Tests should assert on `path`;
/// the wording may change.
struct json_error {
    std::string path;       ///< JSONPath of the offending value, `"$"` for the whole text
    std::string message;    ///< what was wrong there
    std::size_t offset = 0; ///< syntax errors: byte offset in the text; else 0
    std::size_t line = 0;   ///< syntax errors: 1-based line of `offset`; else 0
    std::size_t column = 0; ///< syntax errors: 1-based column (in bytes) of `offset`; else 0

    /// Whether this is a syntax error (the text is not acceptable JSON). @returns `line != 0`
    [[nodiscard]] bool is_syntax_error() const noexcept { return line != 0; }

    /// `"$.a[1]: expected a string, got number"`; syntax errors add
    /// `" (line L, column C, offset O)"`.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const json_error&, const json_error&) = default;
};

/// Whether `from_json` ignores object members that the described struct `T` does not have.
///
/// False by default: an unknown member is an error naming it and the members `T` has
/// (`$.bdy: unknown field; expected title, body`), like serde's `deny_unknown_fields`, so a
/// client's typo is reported instead of silently dropped. Specialize it as true for a type
/// that must accept members it does not describe (a document other parties extend, an RFC 9457
/// problem document, a client reading a server that may add members):
///
/// ```cpp
/// template <> struct weft::http::json_allow_unknown_fields<upstream_status> : std::true_type {};
/// ```
///
/// The trait applies to `T` itself, wherever it appears (top level, member, element); a struct
/// deriving from `T` has its own. It must be visible wherever `from_json` reads a `T`.
/// `json_options::deny_unknown_fields = false` ignores unknown members of every type in one
/// call. JSON Schemas of `T` (`<weft/http/json_schema.hpp>`) say `"additionalProperties": false`
/// exactly when unknown members are an error.
template <class T> struct json_allow_unknown_fields : std::false_type {};

/// How `from_json` reads.
struct json_options {
    /// Reject object members that a described struct does not have ("unknown field; expected
    /// a, b", at the member's path), unless the struct opts out with
    /// `json_allow_unknown_fields`. When false, unknown members of every struct are ignored.
    /// Maps and `boost::json::value` take any key either way.
    bool deny_unknown_fields = true;
    /// Deepest nesting of arrays and objects accepted; deeper texts are a syntax error.
    /// This also bounds the recursion of the conversion.
    std::size_t max_depth = 64;
};

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T, class H, class E, class A>
struct is_string_map<std::unordered_map<std::string, T, H, E, A>> : std::true_type {};

template <class T> inline constexpr bool always_false = false;

template <class T>
inline constexpr bool is_json_integer =
    std::is_integral_v<T> && !std::is_same_v<std::remove_cv_t<T>, bool>;

template <class T>
inline constexpr bool is_described_enum =
    std::is_enum_v<T>&& boost::describe::has_describe_enumerators<T>::value;

template <class T>
inline constexpr bool is_described_struct =
    std::is_class_v<T> && !std::is_union_v<T> && boost::describe::has_describe_members<T>::value;

// Every described member, whatever its access, including those of described bases.
template <class T>
using json_members = boost::describe::describe_members<
    T, boost::describe::mod_public | boost::describe::mod_protected | boost::describe::mod_private |
           boost::describe::mod_inherited>;

// The conversion state: the options, the path of the value being read, and the first error.
struct json_reader {
    explicit json_reader(const json_options& o) noexcept : options(o) {}

    const json_options& options;
    std::string path = "$";
    json_error error;

    // Records `message` at the current path. @returns false, for `return r.fail(...)`
    bool fail(std::string message);
    // Records "expected <what>, got <kind of v>". @returns false
    bool mismatch(std::string_view what, const boost::json::value& v);
    // Records "out of range for <type>". @returns false
    bool out_of_range(std::string_view type);
};

// Appends `.key` or `["key"]` (or `[i]`) to the reader's path and removes it on destruction.
class json_path_step {
  public:
    json_path_step(json_reader& r, std::string_view key);
    json_path_step(json_reader& r, std::size_t index);
    json_path_step(const json_path_step&) = delete;
    json_path_step& operator=(const json_path_step&) = delete;
    ~json_path_step() { r_.path.resize(size_); }

  private:
    json_reader& r_;
    std::size_t size_;
};

// Parses `text` (RFC 8259) into a value; numbers beyond a double's range are refused.
expected<boost::json::value, json_error> parse_json(std::string_view text,
                                                    const json_options& options);

// The name of an integer type of `bits` bits, for messages: "int32", "uint8".
std::string_view integer_type_name(bool is_signed, std::size_t bits) noexcept;

// `s` with every ill-formed UTF-8 sequence replaced by U+FFFD.
boost::json::string valid_utf8(std::string_view s);

// `v` made writable as JSON: non-finite numbers become null, strings and keys valid UTF-8.
boost::json::value writable(const boost::json::value& v);

std::string serialize(const boost::json::value& v);

// Reads integer `out` from a JSON number: exact integers only, range-checked.
template <class I> bool read_integer(const boost::json::value& v, I& out, json_reader& r) {
    using limits = std::numeric_limits<I>;
    const auto too_big = [&] {
        return r.out_of_range(integer_type_name(limits::is_signed, sizeof(I) * 8));
    };
    if (v.is_int64()) {
        const std::int64_t x = v.get_int64();
        if constexpr (limits::is_signed) {
            if (x < static_cast<std::int64_t>(limits::min()) ||
                x > static_cast<std::int64_t>(limits::max())) {
                return too_big();
            }
        } else {
            if (x < 0 ||
                static_cast<std::uint64_t>(x) > static_cast<std::uint64_t>(limits::max())) {
                return too_big();
            }
        }
        out = static_cast<I>(x);
        return true;
    }
    if (v.is_uint64()) {
        const std::uint64_t x = v.get_uint64();
        if (x > static_cast<std::uint64_t>(limits::max())) {
            return too_big();
        }
        out = static_cast<I>(x);
        return true;
    }
    if (v.is_double()) {
        // 1.0 and 1e2 are integers written another way; 1.5 is not.
        const double d = v.get_double();
        if (std::trunc(d) != d) {
            return r.fail("expected an integer, got a number with a fraction");
        }
        // [-2^digits, 2^digits) for signed, [0, 2^digits) for unsigned: both bounds exact.
        const double top = std::ldexp(1.0, limits::digits);
        if (!(d < top && d >= (limits::is_signed ? -top : 0.0))) {
            return too_big();
        }
        out = static_cast<I>(d);
        return true;
    }
    return r.mismatch("an integer", v);
}

template <class F> bool read_floating(const boost::json::value& v, F& out, json_reader& r) {
    double d = 0;
    if (v.is_double()) {
        d = v.get_double();
    } else if (v.is_int64()) {
        d = static_cast<double>(v.get_int64());
    } else if (v.is_uint64()) {
        d = static_cast<double>(v.get_uint64());
    } else {
        return r.mismatch("a number", v);
    }
    if constexpr (sizeof(F) < sizeof(double)) {
        // Anything that would not round to a finite F (half an ulp above its max) is refused.
        using limits = std::numeric_limits<F>;
        const double limit = static_cast<double>(limits::max()) +
                             std::ldexp(1.0, limits::max_exponent - limits::digits - 1);
        if (!(std::abs(d) < limit)) {
            return r.out_of_range(sizeof(F) == sizeof(float) ? "float" : "floating type");
        }
    }
    out = static_cast<F>(d);
    return true;
}

template <class T> bool read_value(const boost::json::value& v, T& out, json_reader& r);

template <class E> bool read_enum(const boost::json::value& v, E& out, json_reader& r) {
    if (!v.is_string()) {
        return r.mismatch("a string", v);
    }
    const std::string_view name(v.get_string().data(), v.get_string().size());
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
        if (!found && name == d.name) {
            out = d.value;
            found = true;
        }
    });
    if (found) {
        return true;
    }
    std::string message = "unknown name \"";
    message += name.substr(0, 64);
    message += name.size() > 64 ? "...\"; expected one of" : "\"; expected one of";
    const char* sep = " ";
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
        message += sep;
        message += d.name;
        sep = ", ";
    });
    return r.fail(std::move(message));
}

// Whether the described struct `T` has a member named `key`.
template <class T> bool is_member_name(std::string_view key) {
    bool known = false;
    boost::mp11::mp_for_each<json_members<T>>(
        [&](auto d) { known = known || key == std::string_view(d.name); });
    return known;
}

// "unknown field; expected a, b, c": the members `T` has, in declaration order.
template <class T> std::string unknown_field_message() {
    std::string message = "unknown field; expected";
    if constexpr (boost::mp11::mp_empty<json_members<T>>::value) {
        message += " no fields";
    } else {
        const char* sep = " ";
        boost::mp11::mp_for_each<json_members<T>>([&](auto d) {
            message += sep;
            message += d.name;
            sep = ", ";
        });
    }
    return message;
}

template <class T> bool read_struct(const boost::json::value& v, T& out, json_reader& r) {
    if (!v.is_object()) {
        return r.mismatch("an object", v);
    }
    const boost::json::object& object = v.get_object();
    // Unknown members first, in document order, as serde does: a misspelt member is named
    // as such ("$.titel: unknown field; expected title, body") rather than as the member it
    // was meant to be ("$.title: missing required field").
    if (!json_allow_unknown_fields<T>::value && r.options.deny_unknown_fields) {
        for (const auto& member : object) {
            if (!is_member_name<T>(member.key())) {
                const json_path_step step(r, member.key());
                return r.fail(unknown_field_message<T>());
            }
        }
    }
    bool ok = true;
    boost::mp11::mp_for_each<json_members<T>>([&](auto d) {
        if (!ok) {
            return;
        }
        auto& field = out.*d.pointer;
        using field_type = std::remove_cvref_t<decltype(field)>;
        const json_path_step step(r, d.name);
        const auto it = object.find(d.name);
        if (it == object.end()) {
            if constexpr (is_optional<field_type>::value) {
                field.reset();
            } else {
                ok = r.fail("missing required field");
            }
            return;
        }
        ok = read_value(it->value(), field, r);
    });
    return ok;
}

template <class T> bool read_value(const boost::json::value& v, T& out, json_reader& r) {
    if constexpr (std::is_same_v<T, boost::json::value>) {
        out = v;
        return true;
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) {
            return r.mismatch("a boolean", v);
        }
        out = v.get_bool();
        return true;
    } else if constexpr (is_json_integer<T>) {
        return read_integer(v, out, r);
    } else if constexpr (std::is_floating_point_v<T>) {
        return read_floating(v, out, r);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) {
            return r.mismatch("a string", v);
        }
        out.assign(v.get_string().data(), v.get_string().size());
        return true;
    } else if constexpr (is_described_enum<T>) {
        return read_enum(v, out, r);
    } else if constexpr (is_optional<T>::value) {
        if (v.is_null()) {
            out.reset();
            return true;
        }
        typename T::value_type inner{};
        if (!read_value(v, inner, r)) {
            return false;
        }
        out = std::move(inner);
        return true;
    } else if constexpr (is_vector<T>::value) {
        if (!v.is_array()) {
            return r.mismatch("an array", v);
        }
        const boost::json::array& array = v.get_array();
        out.clear();
        out.reserve(array.size());
        for (std::size_t i = 0; i < array.size(); ++i) {
            const json_path_step step(r, i);
            typename T::value_type element{};
            if (!read_value(array[i], element, r)) {
                return false;
            }
            out.push_back(std::move(element));
        }
        return true;
    } else if constexpr (is_string_map<T>::value) {
        if (!v.is_object()) {
            return r.mismatch("an object", v);
        }
        out.clear();
        for (const auto& member : v.get_object()) {
            const json_path_step step(r, member.key());
            typename T::mapped_type element{};
            if (!read_value(member.value(), element, r)) {
                return false;
            }
            out.insert_or_assign(std::string(member.key()), std::move(element));
        }
        return true;
    } else if constexpr (is_described_struct<T>) {
        return read_struct(v, out, r);
    } else {
        static_assert(always_false<T>, "weft::http::from_json: unsupported type (describe it "
                                       "with BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
        return false;
    }
}

} // namespace detail

/// Converts an already parsed JSON value to a `T`; see `from_json` for the supported types
/// and the rules. Never throws except `std::bad_alloc`.
template <class T>
[[nodiscard]] expected<T, json_error> from_json_value(const boost::json::value& v,
                                                      const json_options& options = {}) {
    static_assert(std::is_default_constructible_v<T>, "from_json needs a default-constructible T");
    detail::json_reader r{options};
    T out{};
    if (!detail::read_value(v, out, r)) {
        return unexpected(std::move(r.error));
    }
    return out;
}

/// Reads the JSON text `text` (RFC 8259) as a `T`.
///
/// Supported types, recursively:
/// - structs described with `BOOST_DESCRIBE_STRUCT` (members of any access, including those of
///   described bases): a JSON object. A missing member is an error ("missing required field")
///   unless its type is a `std::optional`. An unknown member is an error ("unknown field;
///   expected a, b"), unless the type opts out with `json_allow_unknown_fields<T>` or
///   `options.deny_unknown_fields` is false; then it is ignored. Unknown members are reported
///   first (in document order), then the members in declaration order.
/// - `bool`: true/false. `std::string`: a string (always valid UTF-8; `\u0000` is kept).
/// - integer types: a number with an exact integer value in the type's range (`1e2` and `1.0`
///   are accepted, `1.5` is "expected an integer, got a number with a fraction", 300 into
///   `std::uint8_t` is "out of range for uint8").
/// - `float`, `double`: any number, correctly rounded (integers above 2^53 round). Out of
///   float's range: an error.
/// - enums described with `BOOST_DESCRIBE_ENUM`: the enumerator's name, as a string.
/// - `std::optional<U>`: null or absent gives nullopt, anything else a `U`.
/// - `std::vector<U>`: an array. `std::map<std::string, U>`, `std::unordered_map<...>`: an
///   object.
/// - `boost::json::value`: any JSON, copied as is.
///
/// Duplicate keys in an object: the last one wins (Boost.JSON's parser keeps only the last).
/// Syntax errors (including nesting deeper than `options.max_depth`) have path `"$"` and an
/// offset, line and column. A number that overflows a double (`1e400`) is refused wherever it
/// is, even inside a `boost::json::value`: "number out of range for double", at its path.
/// Never throws except `std::bad_alloc`. Pure: the result depends only on the arguments.
template <class T>
[[nodiscard]] expected<T, json_error> from_json(std::string_view text,
                                                const json_options& options = {}) {
    auto parsed = detail::parse_json(text, options);
    if (!parsed) {
        return unexpected(std::move(parsed.error()));
    }
    return from_json_value<T>(*parsed, options);
}

/// The JSON value of `value`, for the types `from_json` reads.
///
/// Described structs become objects with their members in declaration order (bases first), a
/// nullopt member written as null. Enums become their enumerator's name, or their underlying
/// number when the value has no name. NaN and infinities become null (JSON has no such
/// numbers). Strings and map keys that are not valid UTF-8 get U+FFFD for each bad sequence.
/// A `boost::json::value` is copied with the same two repairs.
/// For every `v` that `from_json<T>` produced, `from_json<T>(to_json(v)) == v`, doubles included
/// (they are written in their shortest form and read back correctly rounded).
template <class T> [[nodiscard]] boost::json::value to_json_value(const T& value) {
    if constexpr (std::is_same_v<T, boost::json::value>) {
        return detail::writable(value);
    } else if constexpr (std::is_same_v<T, bool>) {
        return boost::json::value(value);
    } else if constexpr (detail::is_json_integer<T>) {
        if constexpr (std::is_signed_v<T>) {
            return boost::json::value(static_cast<std::int64_t>(value));
        } else {
            return boost::json::value(static_cast<std::uint64_t>(value));
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value)) {
            return boost::json::value(nullptr);
        }
        return boost::json::value(static_cast<double>(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
        return boost::json::value(detail::valid_utf8(value));
    } else if constexpr (detail::is_described_enum<T>) {
        const char* name = nullptr;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto d) {
            if (name == nullptr && value == d.value) {
                name = d.name;
            }
        });
        if (name != nullptr) {
            return boost::json::value(boost::json::string_view(name));
        }
        return to_json_value(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (detail::is_optional<T>::value) {
        if (!value) {
            return boost::json::value(nullptr);
        }
        return to_json_value(*value);
    } else if constexpr (detail::is_vector<T>::value) {
        boost::json::array array;
        array.reserve(value.size());
        for (const auto& element : value) {
            array.push_back(to_json_value(element));
        }
        return boost::json::value(std::move(array));
    } else if constexpr (detail::is_string_map<T>::value) {
        boost::json::object object;
        object.reserve(value.size());
        for (const auto& [key, element] : value) {
            object.insert_or_assign(detail::valid_utf8(key), to_json_value(element));
        }
        return boost::json::value(std::move(object));
    } else if constexpr (detail::is_described_struct<T>) {
        boost::json::object object;
        object.reserve(boost::mp11::mp_size<detail::json_members<T>>::value);
        boost::mp11::mp_for_each<detail::json_members<T>>(
            [&](auto d) { object.insert_or_assign(d.name, to_json_value(value.*d.pointer)); });
        return boost::json::value(std::move(object));
    } else {
        static_assert(detail::always_false<T>,
                      "weft::http::to_json: unsupported type (describe "
                      "it with BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
        return {};
    }
}

/// The JSON text of `value`: `to_json_value(value)` serialized compactly (no spaces).
/// Always valid JSON and valid UTF-8.
template <class T> [[nodiscard]] std::string to_json(const T& value) {
    return detail::serialize(to_json_value(value));
}

/// A response with status `s`, `Content-Type: application/json` and `to_json(value)` as body.
template <class T> [[nodiscard]] response json_response(status s, const T& value) {
    return response::text(s, to_json(value), "application/json");
}

/// `400 Bad Request` with an RFC 9457 problem document, `Content-Type: application/problem+json`:
/// `{"title":"Bad Request","status":400,"detail":<message>,"path":<path>}`, plus `"offset"`,
/// `"line"` and `"column"` for a syntax error. Valid JSON whatever `error` holds (bytes that are
/// not UTF-8 become U+FFFD).
[[nodiscard]] response json_error_response(const json_error& error);

/// A handler's one call: `from_json<T>(body, options)`, with an error already turned into
/// `json_error_response`.
template <class T>
[[nodiscard]] expected<T, response> read_json(std::string_view body,
                                              const json_options& options = {}) {
    auto value = from_json<T>(body, options);
    if (!value) {
        return unexpected(json_error_response(value.error()));
    }
    return std::move(*value);
}

} // namespace weft::http
