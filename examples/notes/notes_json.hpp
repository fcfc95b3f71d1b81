#pragma once

// JSON glue for the notes routes: weft::http's from_json/to_json when <weft/http/json.hpp> is
// there, otherwise a stop-gap on Boost.JSON + Boost.Describe that handles just the notes'
// shapes (strings, optional strings, integers, vectors of described structs).

#include <weft/expected.hpp>
#include <weft/http/response.hpp>

#include <string>
#include <string_view>

#if __has_include(<weft/http/json.hpp>)
#include <weft/http/json.hpp>
#define WEFT_NOTES_HAVE_HTTP_JSON 1
#else
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <fmt/format.h>
#endif

namespace weft::notes {

#if WEFT_NOTES_HAVE_HTTP_JSON

/// 400 with a problem document naming the JSON path that was wrong ("$.title").
inline http::response json_field_error(std::string path, std::string message) {
    http::json_error e;
    e.path = std::move(path);
    e.message = std::move(message);
    return http::json_error_response(e);
}

/// The body read as a `T`, or the 400 that says where it went wrong.
template <class T> expected<T, http::response> read_json(std::string_view body) {
    return http::read_json<T>(body);
}

/// `s` with `value` as its JSON body.
template <class T> http::response json_response(http::status s, const T& value) {
    return http::json_response(s, value);
}

#else

inline http::response json_field_error(std::string path, std::string message) {
    boost::json::object doc{{"title", "Bad Request"},
                            {"status", 400},
                            {"detail", path + ": " + message},
                            {"path", path}};
    return http::response::text(http::status::bad_request, boost::json::serialize(doc),
                                "application/problem+json");
}

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

template <class T> boost::json::value to_value(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
        return boost::json::value(boost::json::string_view(v));
    } else if constexpr (std::is_integral_v<T>) {
        return boost::json::value(static_cast<std::int64_t>(v));
    } else if constexpr (is_optional<T>::value) {
        return v ? to_value(*v) : boost::json::value(nullptr);
    } else if constexpr (is_vector<T>::value) {
        boost::json::array a;
        for (const auto& e : v) {
            a.push_back(to_value(e));
        }
        return a;
    } else {
        boost::json::object o;
        boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
            [&](auto d) { o[d.name] = to_value(v.*d.pointer); });
        return o;
    }
}

// Reads the string members of a described struct; @returns "" or the failing member's name.
template <class T> bool read_struct(const boost::json::value& v, T& out, std::string& path) {
    if (!v.is_object()) {
        return false;
    }
    bool ok = true;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto d) {
            if (!ok) {
                return;
            }
            auto& field = out.*d.pointer;
            const auto* member = v.get_object().if_contains(d.name);
            using F = std::remove_cvref_t<decltype(field)>;
            if constexpr (is_optional<F>::value) {
                if (member == nullptr || member->is_null()) {
                    return;
                }
            }
            if (member == nullptr || !member->is_string()) {
                path = fmt::format("$.{}", d.name);
                ok = false;
                return;
            }
            field = std::string(member->get_string());
        });
    return ok;
}

} // namespace detail

template <class T> expected<T, http::response> read_json(std::string_view body) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(body, ec);
    if (ec) {
        return unexpected(json_field_error("$", ec.message()));
    }
    T out{};
    std::string path = "$";
    if (!detail::read_struct(v, out, path)) {
        return unexpected(json_field_error(path, "expected a string"));
    }
    return out;
}

template <class T> http::response json_response(http::status s, const T& value) {
    return http::response::text(s, boost::json::serialize(detail::to_value(value)),
                                "application/json");
}

#endif

} // namespace weft::notes
