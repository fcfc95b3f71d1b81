#include "output.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace weft::cli {

int fail(std::string_view command, std::string_view message) {
    fmt::print(stderr, "weft: {}: {}\n", command, message);
    return exit_bad_input;
}

int fail(std::string_view command, std::string_view token, const addr::parse_error& error) {
    return fail(command, error.message(token));
}

void print_json(const boost::json::value& value) {
    fmt::print("{}\n", boost::json::serialize(value));
}

namespace {

std::string cell(const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::null:
        return "-";
    case boost::json::kind::string:
        return std::string(v.get_string());
    case boost::json::kind::array: {
        std::string out;
        for (const auto& item : v.get_array()) {
            out += out.empty() ? "" : ", ";
            out += cell(item);
        }
        return out.empty() ? "-" : out;
    }
    case boost::json::kind::object: {
        std::string out;
        for (const auto& [key, item] : v.get_object()) {
            out += out.empty() ? "" : " ";
            out += fmt::format("{}={}", std::string_view(key), cell(item));
        }
        return out;
    }
    default:
        return boost::json::serialize(v);
    }
}

} // namespace

void print_table(const boost::json::object& object) {
    std::size_t width = 0;
    for (const auto& entry : object) {
        width = std::max(width, entry.key().size());
    }
    for (const auto& entry : object) {
        fmt::print("{:<{}}  {}\n", std::string_view(entry.key()), width, cell(entry.value()));
    }
}

void print_object(const boost::json::object& object, bool json) {
    if (json) {
        print_json(object);
    } else {
        print_table(object);
    }
}

} // namespace weft::cli
