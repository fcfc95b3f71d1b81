#include <weft/http/json_schema.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace weft::http;

namespace {

enum class priority { low, normal, high };
BOOST_DESCRIBE_ENUM(priority, low, normal, high)

struct tag {
    std::string name;
};
BOOST_DESCRIBE_STRUCT(tag, (), (name))

struct base {
    std::uint64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(base, (), (id))

struct item : base {
    std::string title;
    std::optional<std::string> body;
    priority level = priority::normal;
    std::vector<tag> tags;
    std::map<std::string, double> weights;
    std::optional<tag> main_tag;
    std::optional<priority> maybe_level;
    bool done = false;
    boost::json::value extra;
};
BOOST_DESCRIBE_STRUCT(item, (base),
                      (title, body, level, tags, weights, main_tag, maybe_level, done, extra))

// A type that contains itself, through a vector.
struct tree {
    std::string label;
    std::vector<tree> children;
};
BOOST_DESCRIBE_STRUCT(tree, (), (label, children))

// Opts out of deny_unknown_fields: its schema allows other members.
struct open_doc {
    std::string kind;
};
BOOST_DESCRIBE_STRUCT(open_doc, (), (kind))

struct renamed {
    int x = 0;
};
BOOST_DESCRIBE_STRUCT(renamed, (), (x))

namespace other {
// Same unqualified name as ::tag: filed as tag_2.
struct tag {
    int n = 0;
};
BOOST_DESCRIBE_STRUCT(tag, (), (n))
} // namespace other

struct both_tags {
    tag a;
    other::tag b;
};
BOOST_DESCRIBE_STRUCT(both_tags, (), (a, b))

} // namespace

template <> struct weft::http::json_allow_unknown_fields<open_doc> : std::true_type {};
template <> struct weft::http::json_schema_name<renamed> {
    static constexpr std::string_view value = "Renamed";
};

namespace {

boost::json::value js(std::string_view text) {
    return boost::json::parse(text);
}

// The schema of T alone (no structs), as a value.
template <class T> boost::json::value schema_of() {
    json_schema_set set;
    auto s = set.schema<T>();
    EXPECT_TRUE(set.schemas().empty());
    return s;
}

TEST(json_schema, scalars) {
    EXPECT_EQ(schema_of<bool>(), js(R"({"type":"boolean"})"));
    EXPECT_EQ(schema_of<std::string>(), js(R"({"type":"string"})"));
    EXPECT_EQ(schema_of<double>(), js(R"({"type":"number","format":"double"})"));
    EXPECT_EQ(schema_of<float>(), js(R"({"type":"number","format":"float"})"));
    EXPECT_EQ(schema_of<boost::json::value>(), js("{}")); // anything
}

TEST(json_schema, integers_carry_their_exact_range) {
    struct row {
        boost::json::value got;
        std::string_view want;
    };
    const row rows[] = {
        // 8 bits, both signs
        {schema_of<std::int8_t>(),
         R"({"type":"integer","minimum":-128,"maximum":127,"format":"int8"})"},
        {schema_of<std::uint8_t>(),
         R"({"type":"integer","minimum":0,"maximum":255,"format":"uint8"})"},
        // 32 bits
        {schema_of<std::int32_t>(),
         R"({"type":"integer","minimum":-2147483648,"maximum":2147483647,"format":"int32"})"},
        // 64 bits: the bounds are exact integers, not rounded doubles
        {schema_of<std::int64_t>(), R"({"type":"integer","minimum":-9223372036854775808,)"
                                    R"("maximum":9223372036854775807,"format":"int64"})"},
        {schema_of<std::uint64_t>(),
         R"({"type":"integer","minimum":0,"maximum":18446744073709551615,"format":"uint64"})"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(r.got, js(r.want)) << boost::json::serialize(r.got);
    }
    EXPECT_EQ(boost::json::serialize(schema_of<std::uint64_t>().at("maximum")),
              "18446744073709551615");
}

TEST(json_schema, enums_are_their_names) {
    EXPECT_EQ(schema_of<priority>(), js(R"({"type":"string","enum":["low","normal","high"]})"));
}

TEST(json_schema, containers) {
    EXPECT_EQ(schema_of<std::vector<int>>(),
              js(R"({"type":"array","items":{"type":"integer","minimum":-2147483648,)"
                 R"("maximum":2147483647,"format":"int32"}})"));
    EXPECT_EQ((schema_of<std::map<std::string, bool>>()),
              js(R"({"type":"object","additionalProperties":{"type":"boolean"}})"));
    EXPECT_EQ((schema_of<std::unordered_map<std::string, std::string>>()),
              js(R"({"type":"object","additionalProperties":{"type":"string"}})"));
}

TEST(json_schema, optionals_also_accept_null) {
    EXPECT_EQ(schema_of<std::optional<std::string>>(), js(R"({"type":["string","null"]})"));
    // an enum lists null among its values too
    EXPECT_EQ(schema_of<std::optional<priority>>(),
              js(R"({"type":["string","null"],"enum":["low","normal","high",null]})"));
    // nested optionals add null once
    EXPECT_EQ(schema_of<std::optional<std::optional<bool>>>(),
              js(R"({"type":["boolean","null"]})"));
    EXPECT_EQ(schema_of<std::optional<boost::json::value>>(), js("{}"));
    // a reference cannot take "null" in its type: anyOf
    json_schema_set set;
    EXPECT_EQ(set.schema<std::optional<tag>>(),
              js(R"({"anyOf":[{"$ref":"#/components/schemas/tag"},{"type":"null"}]})"));
}

TEST(json_schema, structs_are_filed_and_referred_to) {
    json_schema_set set;
    EXPECT_EQ(set.schema<item>(), js(R"({"$ref":"#/components/schemas/item"})"));
    // item first, then what it uses, each once
    std::vector<std::string> names;
    for (const auto& [k, v] : set.schemas()) {
        names.emplace_back(k);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"item", "tag"}));
    EXPECT_EQ(set.schemas().at("tag"),
              js(R"({"type":"object","properties":{"name":{"type":"string"}},)"
                 R"("required":["name"],"additionalProperties":false})"));

    const auto& s = set.schemas().at("item").as_object();
    EXPECT_EQ(s.at("type"), "object");
    EXPECT_EQ(s.at("additionalProperties"), false);
    // properties in declaration order, the base's first
    std::vector<std::string> properties;
    for (const auto& [k, v] : s.at("properties").as_object()) {
        properties.emplace_back(k);
    }
    EXPECT_EQ(properties,
              (std::vector<std::string>{"id", "title", "body", "level", "tags", "weights",
                                        "main_tag", "maybe_level", "done", "extra"}));
    // every member but the optionals is required, even one with a default value
    EXPECT_EQ(s.at("required"), js(R"(["id","title","level","tags","weights","done","extra"])"));
    const auto& p = s.at("properties").as_object();
    EXPECT_EQ(p.at("tags"), js(R"({"type":"array","items":{"$ref":"#/components/schemas/tag"}})"));
    EXPECT_EQ(p.at("body"), js(R"({"type":["string","null"]})"));
    EXPECT_EQ(p.at("extra"), js("{}"));

    // asking again adds nothing
    EXPECT_EQ(set.schema<tag>(), js(R"({"$ref":"#/components/schemas/tag"})"));
    EXPECT_EQ(set.schemas().size(), 2u);
}

TEST(json_schema, recursive_types_refer_to_themselves) {
    json_schema_set set;
    EXPECT_EQ(set.schema<tree>(), js(R"({"$ref":"#/components/schemas/tree"})"));
    EXPECT_EQ(set.schemas().at("tree").at("properties").at("children"),
              js(R"({"type":"array","items":{"$ref":"#/components/schemas/tree"}})"));
}

TEST(json_schema, unknown_field_opt_out_allows_other_members) {
    json_schema_set set;
    (void)set.schema<open_doc>();
    EXPECT_FALSE(set.schemas().at("open_doc").as_object().contains("additionalProperties"));
    // and from_json agrees with the schema, both ways
    EXPECT_TRUE(from_json<open_doc>(R"({"kind":"k","more":1})").has_value());
    EXPECT_FALSE(from_json<tag>(R"({"name":"n","more":1})").has_value());
}

TEST(json_schema, names_can_be_chosen_and_never_collide) {
    json_schema_set set;
    EXPECT_EQ(set.name<renamed>(), "Renamed");
    (void)set.schema<both_tags>();
    EXPECT_EQ(set.name<tag>(), "tag");
    EXPECT_EQ(set.name<other::tag>(), "tag_2");
    EXPECT_EQ(set.schemas().at("both_tags").at("properties").at("b"),
              js(R"({"$ref":"#/components/schemas/tag_2"})"));
}

TEST(json_schema, names_from_type_names) {
    struct row {
        std::string_view type, name;
    };
    const row rows[] = {
        {"weft::notes::note", "note"},              // namespaces dropped
        {"(anonymous namespace)::row", "row"},      // anonymous namespace
        {"f()::local", "local"},                    // a local class
        {"ns::pair<ns::a, int>", "pair_ns__a_int"}, // template arguments sanitized
        {"plain", "plain"},                         // nothing to drop
        {"<>", "type"},                             // nothing left at all
    };
    for (const auto& r : rows) {
        EXPECT_EQ(detail::schema_name_from_type(r.type), r.name) << r.type;
    }
}

TEST(json_schema, standalone_documents_use_defs) {
    EXPECT_EQ(json_schema<tree>(),
              js(R"({"$schema":"https://json-schema.org/draft/2020-12/schema",)"
                 R"("$ref":"#/$defs/tree","$defs":{"tree":{"type":"object","properties":)"
                 R"({"label":{"type":"string"},"children":{"type":"array","items":)"
                 R"({"$ref":"#/$defs/tree"}}},"required":["label","children"],)"
                 R"("additionalProperties":false}}})"));
    EXPECT_EQ(json_schema<std::vector<bool>>(),
              js(R"({"$schema":"https://json-schema.org/draft/2020-12/schema",)"
                 R"("type":"array","items":{"type":"boolean"}})"));
}

TEST(json_schema, schemas_can_be_annotated) {
    json_schema_set set;
    (void)set.schema<tag>();
    set.schemas()["tag"].as_object()["properties"].as_object()["name"].as_object()["maxLength"] =
        10;
    EXPECT_EQ(set.schemas().at("tag").at("properties").at("name"),
              js(R"({"type":"string","maxLength":10})"));
}

} // namespace
