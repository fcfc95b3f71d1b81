#include "detail/text.hpp"

#include <weft/http/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

namespace weft::http {

namespace {

// Boost.JSON's own parser handler (boost/json/detail/handler.hpp), except that doubles are
// converted again with std::from_chars: Boost 1.81's conversion is not correctly rounded
// (about a third of all doubles come back one or two ulps off), which would break
// from_json(to_json(x)) == x.
struct value_handler {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    using sv = boost::json::string_view;
    using ec = boost::json::error_code;

    boost::json::value_stack st;
    std::string number; // the parts of a number split across writes (never, with one write)

    bool on_document_begin(ec&) { return true; }
    bool on_document_end(ec&) { return true; }
    bool on_object_begin(ec&) { return true; }
    bool on_object_end(std::size_t n, ec&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(ec&) { return true; }
    bool on_array_end(std::size_t n, ec&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(sv s, std::size_t, ec&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(sv s, std::size_t, ec&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(sv s, std::size_t, ec&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(sv s, std::size_t, ec&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(sv s, ec&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, sv, ec&) {
        number.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, sv, ec&) {
        number.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, sv s, ec&) {
        number.append(s.data(), s.size());
        double exact = 0;
        const auto [end, err] =
            std::from_chars(number.data(), number.data() + number.size(), exact);
        // Out of range keeps Boost's value: infinity (refused later) or zero for underflow.
        if (err == std::errc{} && end == number.data() + number.size()) {
            d = exact;
        }
        number.clear();
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, ec&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(ec&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(sv, ec&) { return true; }
    bool on_comment(sv, ec&) { return true; }
};

std::string_view kind_name(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::null:
        return "null";
    case boost::json::kind::bool_:
        return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
        return "number";
    case boost::json::kind::string:
        return "string";
    case boost::json::kind::array:
        return "array";
    case boost::json::kind::object:
        return "object";
    }
    return "value";
}

bool is_valid_utf8(std::string_view s) noexcept {
    while (!s.empty()) {
        const auto n = detail::utf8_sequence_length(s);
        if (n == 0) {
            return false;
        }
        s.remove_prefix(n);
    }
    return true;
}

bool is_identifier(std::string_view key) noexcept {
    const auto alpha = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    return !key.empty() && alpha(key.front()) && std::all_of(key.begin(), key.end(), [&](char c) {
        return alpha(c) || (c >= '0' && c <= '9');
    });
}

// Boost.JSON's messages are terse ("syntax error"); the common cases get a better one.
std::string syntax_message(const boost::json::error_code& ec, const json_options& options) {
    if (ec == boost::json::error::incomplete) {
        return "unexpected end of input";
    }
    if (ec == boost::json::error::extra_data) {
        return "unexpected data after the JSON value";
    }
    if (ec == boost::json::error::too_deep) {
        return "nested deeper than " + std::to_string(options.max_depth) + " levels";
    }
    return "invalid JSON: " + ec.message();
}

json_error syntax_error(std::string_view text, std::size_t offset, std::string message) {
    offset = std::min(offset, text.size());
    const std::string_view before = text.substr(0, offset);
    const auto last_newline = before.rfind('\n');
    json_error e;
    e.path = "$";
    e.message = std::move(message);
    e.offset = offset;
    e.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    e.column = 1 + (last_newline == std::string_view::npos ? offset : offset - last_newline - 1);
    return e;
}

// Whether `v` holds a non-finite number (one too big for a double, such as 1e400, which
// Boost.JSON parses as infinity); the path of the first one goes to `r.error.path`.
bool find_non_finite(const boost::json::value& v, detail::json_reader& r) {
    if (v.is_double()) {
        return !std::isfinite(v.get_double());
    }
    if (v.is_array()) {
        const auto& array = v.get_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            detail::json_path_step step(r, i);
            if (find_non_finite(array[i], r)) {
                if (r.error.path.empty()) {
                    r.fail(""); // the innermost step holds the whole path
                }
                return true;
            }
        }
    } else if (v.is_object()) {
        for (const auto& member : v.get_object()) {
            detail::json_path_step step(r, member.key());
            if (find_non_finite(member.value(), r)) {
                if (r.error.path.empty()) {
                    r.fail("");
                }
                return true;
            }
        }
    }
    return false;
}

void make_writable(boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::double_:
        if (!std::isfinite(v.get_double())) {
            v = nullptr;
        }
        break;
    case boost::json::kind::string:
        if (!is_valid_utf8(v.get_string())) {
            v = detail::valid_utf8(v.get_string());
        }
        break;
    case boost::json::kind::array:
        for (auto& element : v.get_array()) {
            make_writable(element);
        }
        break;
    case boost::json::kind::object: {
        auto& object = v.get_object();
        const bool keys_ok = std::all_of(object.begin(), object.end(),
                                         [](const auto& m) { return is_valid_utf8(m.key()); });
        if (!keys_ok) {
            boost::json::object repaired;
            repaired.reserve(object.size());
            for (auto& member : object) {
                repaired.insert_or_assign(detail::valid_utf8(member.key()),
                                          std::move(member.value()));
            }
            object = std::move(repaired);
        }
        for (auto& member : object) {
            make_writable(member.value());
        }
        break;
    }
    default:
        break;
    }
}

} // namespace

std::string json_error::to_string() const {
    std::string s = path;
    s += ": ";
    s += message;
    if (is_syntax_error()) {
        s += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ", offset " +
             std::to_string(offset) + ")";
    }
    return s;
}

namespace detail {

bool json_reader::fail(std::string message) {
    error = json_error{path, std::move(message)};
    return false;
}

bool json_reader::mismatch(std::string_view what, const boost::json::value& v) {
    std::string message = "expected ";
    message += what;
    message += ", got ";
    message += kind_name(v);
    return fail(std::move(message));
}

bool json_reader::out_of_range(std::string_view type) {
    return fail("out of range for " + std::string(type));
}

json_path_step::json_path_step(json_reader& r, std::string_view key) : r_(r), size_(r.path.size()) {
    if (is_identifier(key)) {
        r_.path += '.';
        r_.path += key;
    } else {
        r_.path += '[';
        r_.path += boost::json::serialize(valid_utf8(key));
        r_.path += ']';
    }
}

json_path_step::json_path_step(json_reader& r, std::size_t index) : r_(r), size_(r.path.size()) {
    r_.path += '[';
    r_.path += std::to_string(index);
    r_.path += ']';
}

expected<boost::json::value, json_error> parse_json(std::string_view text,
                                                    const json_options& options) {
    boost::json::parse_options po;
    po.max_depth = options.max_depth;
    boost::json::basic_parser<value_handler> p(po);
    p.handler().st.reset(boost::json::storage_ptr());
    boost::json::error_code ec;
    // write_some reports where it stopped: the offending byte, or the end when incomplete.
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && used < text.size()) {
        ec = boost::json::error::extra_data;
    }
    if (ec) {
        return unexpected(syntax_error(text, used, syntax_message(ec, options)));
    }
    boost::json::value v = p.handler().st.release();
    // RFC 8259 §6 allows limiting the range of numbers; infinity has no JSON spelling, so a
    // number beyond a double's range could not be written back.
    json_reader r{options};
    if (find_non_finite(v, r)) {
        json_error e;
        e.path = std::move(r.path);
        if (!r.error.path.empty()) {
            e.path = std::move(r.error.path);
        }
        e.message = "number out of range for double";
        return unexpected(std::move(e));
    }
    return v;
}

std::string_view integer_type_name(bool is_signed, std::size_t bits) noexcept {
    switch (bits) {
    case 8:
        return is_signed ? "int8" : "uint8";
    case 16:
        return is_signed ? "int16" : "uint16";
    case 32:
        return is_signed ? "int32" : "uint32";
    case 64:
        return is_signed ? "int64" : "uint64";
    default:
        return is_signed ? "signed integer" : "unsigned integer";
    }
}

boost::json::string valid_utf8(std::string_view s) {
    boost::json::string out;
    if (is_valid_utf8(s)) {
        out.assign(s.data(), s.size());
        return out;
    }
    out.reserve(s.size() + 8);
    while (!s.empty()) {
        if (const auto n = detail::utf8_sequence_length(s); n != 0) {
            out.append(boost::json::string_view(s.data(), n));
            s.remove_prefix(n);
        } else {
            out.append("\xEF\xBF\xBD"); // U+FFFD
            s.remove_prefix(1);
        }
    }
    return out;
}

boost::json::value writable(const boost::json::value& v) {
    boost::json::value copy = v;
    make_writable(copy);
    return copy;
}

std::string serialize(const boost::json::value& v) {
    return boost::json::serialize(v);
}

} // namespace detail

response json_error_response(const json_error& error) {
    constexpr auto s = status::bad_request;
    boost::json::object body;
    body.reserve(7);
    body.insert_or_assign("title", boost::json::string_view(reason_phrase(s)));
    body.insert_or_assign("status", to_uint(s));
    body.insert_or_assign("detail", detail::valid_utf8(error.message));
    body.insert_or_assign("path", detail::valid_utf8(error.path));
    if (error.is_syntax_error()) {
        body.insert_or_assign("offset", static_cast<std::uint64_t>(error.offset));
        body.insert_or_assign("line", static_cast<std::uint64_t>(error.line));
        body.insert_or_assign("column", static_cast<std::uint64_t>(error.column));
    }
    return response::text(s, boost::json::serialize(body), "application/problem+json");
}

} // namespace weft::http
