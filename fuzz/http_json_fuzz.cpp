// Fuzzes from_json / to_json on a nested described struct: no crash; every error has a path
// starting at "$" and turns into a problem+json body that is itself valid JSON; a syntax error
// for the struct is one for any type; whatever is read writes back as JSON that reads back to
// the same value, doubles included; denying unknown fields (the default) only ever refuses
// more than ignoring them, and a type that opts out (json_allow_unknown_fields) never refuses
// an unknown member.
#include <weft/http/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

namespace {

enum class colour { red, green, blue };
BOOST_DESCRIBE_ENUM(colour, red, green, blue)

struct point {
    std::int32_t x = 0;
    std::int32_t y = 0;
    friend bool operator==(const point&, const point&) = default;
};
BOOST_DESCRIBE_STRUCT(point, (), (x, y))

struct item {
    std::string name;
    std::optional<std::uint8_t> count;
    colour shade = colour::red;
    std::vector<point> path;
    friend bool operator==(const item&, const item&) = default;
};
BOOST_DESCRIBE_STRUCT(item, (), (name, count, shade, path))

struct header {
    std::uint64_t id = 0;
    bool flag = false;
    friend bool operator==(const header&, const header&) = default;
};
BOOST_DESCRIBE_STRUCT(header, (), (id, flag))

struct document : header {
    std::vector<item> items;
    std::map<std::string, double> weights;
    std::optional<std::vector<std::int16_t>> small;
    float ratio = 0;
    std::unordered_map<std::string, std::optional<std::string>> labels;
    boost::json::value extra;
    friend bool operator==(const document&, const document&) = default;
};
BOOST_DESCRIBE_STRUCT(document, (header), (items, weights, small, ratio, labels, extra))

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

void check_error(const weft::http::json_error& e) {
    check(!e.path.empty() && e.path.front() == '$' && !e.message.empty());
    const auto response = weft::http::json_error_response(e);
    check(response.body_string() != nullptr);
    const auto body = weft::http::from_json<boost::json::value>(*response.body_string());
    check(body.has_value() && body->is_object() && body->get_object().contains("path"));
}

} // namespace

// `item` ignores unknown members even when the rest of the document denies them.
template <> struct weft::http::json_allow_unknown_fields<item> : std::true_type {};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using weft::http::from_json;
    using weft::http::to_json;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto any = from_json<boost::json::value>(text);
    const auto doc = from_json<document>(text);
    if (!any) {
        // Parse errors (syntax, depth, numbers beyond a double) do not depend on the type.
        check(!doc && doc.error() == any.error());
    }
    if (!doc) {
        check_error(doc.error());
        check(!any || !doc.error().is_syntax_error());
    } else {
        const std::string written = to_json(*doc);
        const auto again = from_json<document>(written);
        check(again.has_value() && *doc == *again);
    }
    if (any) {
        const auto again = from_json<boost::json::value>(to_json(*any));
        check(again.has_value() && *any == *again);
    } else {
        check_error(any.error());
    }

    weft::http::json_options ignore;
    ignore.deny_unknown_fields = false;
    const auto ignored = from_json<document>(text, ignore);
    check(!doc || (ignored && *ignored == *doc));
    if (!ignored) {
        check_error(ignored.error());
    } else if (!doc) {
        // Only an unknown member can make the default refuse what ignoring accepts.
        check(doc.error().message.starts_with("unknown field; expected "));
    }
    return 0;
}
