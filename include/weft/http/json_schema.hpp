#pragma once

// JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) for the types from_json reads and
// to_json writes, derived from the same Boost.Describe descriptions, so a published schema
// cannot drift from what the code accepts. See docs/json.md.

#include <weft/http/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/core/type_name.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

namespace weft::http {

/// The name under which a described struct's schema is filed (`components/schemas/<name>` in
/// OpenAPI, `$defs/<name>` in a standalone schema).
///
/// By default (an empty `value`) the unqualified type name: `weft::notes::note` is "note".
/// Specialize it to choose another:
///
/// ```cpp
/// template <> struct weft::http::json_schema_name<note> {
///     static constexpr std::string_view value = "Note";
/// };
/// ```
///
/// Characters outside `[A-Za-z0-9._-]` (OpenAPI's rule for component names) become `_`; two
/// different types with the same name get `_2`, `_3`, ... in the order they are added.
template <class T> struct json_schema_name {
    static constexpr std::string_view value = {};
};

namespace detail {

// An address unique to each type, to recognise a struct already added.
template <class T> struct json_schema_key { static constexpr char id = 0; };

// {"type":"integer","minimum":lo,"maximum":hi,"format":"int32"}.
boost::json::value integer_schema(bool is_signed, std::size_t bits, std::int64_t minimum,
                                  std::uint64_t maximum);
// {"type":"number"}, with "format" when not empty.
boost::json::value number_schema(std::string_view format);
// `schema` that also accepts null: "type" gains "null" (and "enum" null) when it can,
// otherwise {"anyOf":[schema,{"type":"null"}]}.
boost::json::value nullable(boost::json::value schema);
// A component name from a C++ type name: the last qualified part, sanitized.
std::string schema_name_from_type(std::string_view type_name);

} // namespace detail

/// A growing set of named JSON Schemas (draft 2020-12) for types `from_json` reads.
///
/// `schema<T>()` returns the schema of `T`; every described struct met on the way (T itself,
/// its members' types, their elements, ...) is filed once in `schemas()` under its name and
/// referred to as `{"$ref": "<ref_prefix><name>"}`, so recursive and shared types work. The
/// mapping, one rule per `from_json` rule:
///
/// | C++ | schema |
/// | --- | --- |
/// | `bool` | `{"type":"boolean"}` |
/// | integer types | `{"type":"integer","minimum":min,"maximum":max,"format":"int32"}` (`int8` ...
/// `uint64`) | | `float`, `double` | `{"type":"number","format":"float"}` / `"double"` | |
/// `std::string` | `{"type":"string"}` | | described enum | `{"type":"string","enum":[names in
/// declaration order]}` | | `std::optional<U>` | U's schema plus null; the member is not `required`
/// | | `std::vector<U>` | `{"type":"array","items":U}` | | `std::map<std::string, U>`,
/// `unordered_map` | `{"type":"object","additionalProperties":U}` | | `boost::json::value` | `{}`
/// (anything) | | described struct |
/// `{"type":"object","properties":{...},"required":[...],"additionalProperties":false}` |
///
/// Properties are in declaration order, bases' first; `required` lists every member that is not
/// an optional. `"additionalProperties": false` is there unless the struct opts out with
/// `json_allow_unknown_fields` (it describes `from_json` with the default options).
/// A schema also describes what `to_json` writes, except values it has no JSON for: NaN and
/// infinities (written as null) and enum values without a name (written as their number).
///
/// The schemas are plain `boost::json` values: a caller may annotate them afterwards
/// (`schemas()["note"].as_object()["properties"]...`, e.g. `maxLength` for a rule its handler
/// checks). Not thread-safe; build once, at start-up.
class json_schema_set {
  public:
    /// `ref_prefix` is where the named schemas will be in the final document:
    /// `"#/components/schemas/"` (OpenAPI, the default) or `"#/$defs/"` (a standalone schema).
    explicit json_schema_set(std::string ref_prefix = "#/components/schemas/")
        : prefix_(std::move(ref_prefix)) {}

    /// The schema of `T`: a `$ref` for a described struct, the schema itself otherwise.
    /// Adds the structs it needs to `schemas()`. Unsupported types are a compile error.
    template <class T> [[nodiscard]] boost::json::value schema();

    /// The name `T`'s schema is filed under, adding it (and what it refers to) if need be.
    template <class T> std::string name();

    /// `{"$ref": "<ref_prefix><name>"}`.
    [[nodiscard]] boost::json::value ref(std::string_view name) const;

    /// The named schemas, in the order they were added.
    [[nodiscard]] const boost::json::object& schemas() const noexcept { return schemas_; }
    /// The same, to annotate.
    [[nodiscard]] boost::json::object& schemas() noexcept { return schemas_; }

  private:
    template <class T> boost::json::value struct_schema();
    // Files `preferred` (made unique) for the type `key`. @returns the name used
    std::string reserve(const void* key, std::string preferred);

    std::string prefix_;
    boost::json::object schemas_;
    std::vector<std::pair<const void*, std::string>> names_;
};

template <class T> boost::json::value json_schema_set::schema() {
    using namespace boost::json;
    if constexpr (std::is_same_v<T, value>) {
        return object();
    } else if constexpr (std::is_same_v<T, bool>) {
        return object{{"type", "boolean"}};
    } else if constexpr (detail::is_json_integer<T>) {
        using limits = std::numeric_limits<T>;
        return detail::integer_schema(limits::is_signed, sizeof(T) * 8,
                                      static_cast<std::int64_t>(limits::min()),
                                      static_cast<std::uint64_t>(limits::max()));
    } else if constexpr (std::is_floating_point_v<T>) {
        return detail::number_schema(std::is_same_v<T, float>    ? "float"
                                     : std::is_same_v<T, double> ? "double"
                                                                 : "");
    } else if constexpr (std::is_same_v<T, std::string>) {
        return object{{"type", "string"}};
    } else if constexpr (detail::is_described_enum<T>) {
        array names;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
            [&](auto d) { names.emplace_back(string_view(d.name)); });
        object out;
        out["type"] = "string";
        out["enum"] = std::move(names);
        return out;
    } else if constexpr (detail::is_optional<T>::value) {
        return detail::nullable(schema<typename T::value_type>());
    } else if constexpr (detail::is_vector<T>::value) {
        object out;
        out["type"] = "array";
        out["items"] = schema<typename T::value_type>();
        return out;
    } else if constexpr (detail::is_string_map<T>::value) {
        object out;
        out["type"] = "object";
        out["additionalProperties"] = schema<typename T::mapped_type>();
        return out;
    } else if constexpr (detail::is_described_struct<T>) {
        return ref(name<T>());
    } else {
        static_assert(detail::always_false<T>,
                      "weft::http::json_schema_set: unsupported type (describe it with "
                      "BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
        return {};
    }
}

template <class T> std::string json_schema_set::name() {
    static_assert(detail::is_described_struct<T>, "only described structs are named");
    const void* key = &detail::json_schema_key<T>::id;
    for (const auto& [k, n] : names_) {
        if (k == key) {
            return n;
        }
    }
    std::string preferred(json_schema_name<T>::value);
    if (preferred.empty()) {
        preferred = boost::core::type_name<T>();
    }
    std::string filed = reserve(key, detail::schema_name_from_type(preferred));
    // Filed before the members are looked at, so a type that contains itself finds its name.
    boost::json::value built = struct_schema<T>();
    schemas_[filed] = std::move(built);
    return filed;
}

template <class T> boost::json::value json_schema_set::struct_schema() {
    using namespace boost::json;
    object properties;
    array required;
    boost::mp11::mp_for_each<detail::json_members<T>>([&](auto d) {
        using field_type = std::remove_cvref_t<decltype(std::declval<T&>().*d.pointer)>;
        properties[d.name] = schema<field_type>();
        if constexpr (!detail::is_optional<field_type>::value) {
            required.emplace_back(string_view(d.name));
        }
    });
    object out;
    out["type"] = "object";
    out["properties"] = std::move(properties);
    if (!required.empty()) {
        out["required"] = std::move(required);
    }
    if constexpr (!json_allow_unknown_fields<T>::value) {
        out["additionalProperties"] = false;
    }
    return out;
}

/// A standalone JSON Schema document for `T`: `"$schema"` (draft 2020-12), `T`'s schema, and
/// the structs it refers to under `"$defs"` (as `"#/$defs/<name>"`).
template <class T> [[nodiscard]] boost::json::value json_schema() {
    json_schema_set set("#/$defs/");
    boost::json::value root = set.schema<T>();
    boost::json::object doc;
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    for (auto& [k, v] : root.as_object()) {
        doc[k] = v;
    }
    if (!set.schemas().empty()) {
        doc["$defs"] = set.schemas();
    }
    return doc;
}

} // namespace weft::http
