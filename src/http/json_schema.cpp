#include <weft/http/json_schema.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace weft::http {

namespace detail {

boost::json::value integer_schema(bool is_signed, std::size_t bits, std::int64_t minimum,
                                  std::uint64_t maximum) {
    boost::json::object out;
    out["type"] = "integer";
    out["minimum"] = minimum;
    out["maximum"] = maximum;
    if (bits == 8 || bits == 16 || bits == 32 || bits == 64) {
        // The OpenAPI format registry's names: int8 ... int64, uint8 ... uint64.
        out["format"] = boost::json::string_view(integer_type_name(is_signed, bits));
    }
    return out;
}

boost::json::value number_schema(std::string_view format) {
    boost::json::object out;
    out["type"] = "number";
    if (!format.empty()) {
        out["format"] = boost::json::string_view(format);
    }
    return out;
}

boost::json::value nullable(boost::json::value schema) {
    boost::json::object* o = schema.if_object();
    if (o == nullptr || o->empty()) {
        return schema; // {} already accepts null
    }
    boost::json::value* type = o->if_contains("type");
    if (type != nullptr && !o->contains("$ref") && (type->is_string() || type->is_array())) {
        if (type->is_string()) {
            *type = boost::json::array{*type, "null"};
        } else if (std::find(type->as_array().begin(), type->as_array().end(),
                             boost::json::value("null")) == type->as_array().end()) {
            type->as_array().emplace_back("null");
        }
        // An enum lists every value allowed, so null must be one of them too.
        if (boost::json::value* values = o->if_contains("enum");
            values != nullptr && values->is_array() &&
            std::find(values->as_array().begin(), values->as_array().end(), nullptr) ==
                values->as_array().end()) {
            values->as_array().emplace_back(nullptr);
        }
        return schema;
    }
    boost::json::array any_of;
    any_of.emplace_back(std::move(schema));
    any_of.emplace_back(boost::json::object{{"type", "null"}});
    return boost::json::object{{"anyOf", std::move(any_of)}};
}

std::string schema_name_from_type(std::string_view type_name) {
    // The part after the last "::" outside brackets: "weft::notes::note" -> "note",
    // "(anonymous namespace)::row" -> "row", "ns::pair<ns::a, int>" -> "pair<ns::a, int>".
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < type_name.size(); ++i) {
        const char c = type_name[i];
        if (c == '<' || c == '(' || c == '[') {
            ++depth;
        } else if (c == '>' || c == ')' || c == ']') {
            --depth;
        } else if (depth == 0 && c == ':' && i + 1 < type_name.size() && type_name[i + 1] == ':') {
            start = i + 2;
            ++i;
        }
    }
    std::string out;
    for (const char c : type_name.substr(start)) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (c == ' ') {
            continue;
        }
        out += ok ? c : '_';
    }
    while (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out.empty() ? std::string("type") : out;
}

} // namespace detail

boost::json::value json_schema_set::ref(std::string_view name) const {
    boost::json::object out;
    out["$ref"] = boost::json::string(prefix_ + std::string(name));
    return out;
}

std::string json_schema_set::reserve(const void* key, std::string preferred) {
    std::string name = preferred;
    for (int n = 2; schemas_.contains(name); ++n) {
        name = preferred + "_" + std::to_string(n);
    }
    names_.emplace_back(key, name);
    schemas_[name] = boost::json::object(); // keeps the order: this one before what it uses
    return name;
}

} // namespace weft::http
