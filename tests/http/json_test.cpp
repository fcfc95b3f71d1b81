#include <weft/http/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace weft::http;

namespace {

enum class priority { low, normal, high };
BOOST_DESCRIBE_ENUM(priority, low, normal, high)

struct note {
    std::string title;
    std::optional<std::string> body;
    priority level = priority::normal;
    std::vector<std::string> tags;
    friend bool operator==(const note&, const note&) = default;
};
BOOST_DESCRIBE_STRUCT(note, (), (title, body, level, tags))

struct record {
    std::uint64_t id = 0;
    friend bool operator==(const record&, const record&) = default;
};
BOOST_DESCRIBE_STRUCT(record, (), (id))

struct notebook : record {
    std::string name;
    std::vector<note> notes;
    std::map<std::string, int> counts;
    std::optional<double> score;
    bool shared = false;
    boost::json::value extra;
    friend bool operator==(const notebook&, const notebook&) = default;
};
BOOST_DESCRIBE_STRUCT(notebook, (record), (name, notes, counts, score, shared, extra))

struct ints {
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
    std::uint16_t u16 = 0;
    std::int32_t i32 = 0;
    std::uint32_t u32 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
    friend bool operator==(const ints&, const ints&) = default;
};
BOOST_DESCRIBE_STRUCT(ints, (), (i8, u8, i16, u16, i32, u32, i64, u64))

// The same, each member optional, so that one member at a time can be tried.
struct some_ints {
    std::optional<std::int8_t> i8;
    std::optional<std::uint8_t> u8;
    std::optional<std::int16_t> i16;
    std::optional<std::uint16_t> u16;
    std::optional<std::int32_t> i32;
    std::optional<std::uint32_t> u32;
    std::optional<std::int64_t> i64;
    std::optional<std::uint64_t> u64;
};
BOOST_DESCRIBE_STRUCT(some_ints, (), (i8, u8, i16, u16, i32, u32, i64, u64))

struct numbers {
    float f = 0;
    double d = 0;
};
BOOST_DESCRIBE_STRUCT(numbers, (), (f, d))

class secretive {
  public:
    int visible = 1;

  private:
    int hidden_ = 2;
    BOOST_DESCRIBE_CLASS(secretive, (), (visible), (), (hidden_))

  public:
    [[nodiscard]] int hidden() const { return hidden_; }
};

notebook sample() {
    notebook b;
    b.id = 7;
    b.name = "work";
    b.notes = {note{"first", std::nullopt, priority::high, {"a", "b"}},
               note{"second", "text \"quoted\"\n", priority::low, {}}};
    b.counts = {{"x", 1}, {"a b", -2}};
    b.score = 0.5;
    b.shared = true;
    b.extra = boost::json::parse(R"({"any":[1,"two",null]})");
    return b;
}

// The error of from_json<T>(text), failing the test when there is none.
template <class T> json_error error_of(std::string_view text, const json_options& o = {}) {
    auto r = from_json<T>(text, o);
    EXPECT_FALSE(r.has_value()) << text;
    return r ? json_error{} : r.error();
}

// A notebook document with `notes` as given.
std::string with_notes(std::string_view notes) {
    return R"({"id":1,"name":"n","counts":{},"shared":false,"extra":null,"notes":)" +
           std::string(notes) + "}";
}

TEST(json, nested_struct_round_trips) {
    const notebook b = sample();
    const std::string text = to_json(b);
    const auto back = from_json<notebook>(text);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, b);
    EXPECT_EQ(to_json(*back), text);
}

TEST(json, members_are_written_in_declaration_order_bases_first_nullopt_as_null) {
    notebook b;
    b.name = "n";
    b.notes = {note{"t", std::nullopt, priority::low, {"x"}}};
    EXPECT_EQ(to_json(b),
              R"({"id":0,"name":"n","notes":[{"title":"t","body":null,"level":"low",)"
              R"("tags":["x"]}],"counts":{},"score":null,"shared":false,"extra":null})");
}

TEST(json, private_members_described_with_describe_class_are_read_and_written) {
    const auto s = from_json<secretive>(R"({"visible":10,"hidden_":20})");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->visible, 10);
    EXPECT_EQ(s->hidden(), 20);
    EXPECT_EQ(to_json(*s), R"({"visible":10,"hidden_":20})");
}

TEST(json, conversion_errors_carry_the_json_path) {
    struct row {
        std::string text;
        const char* path;
        const char* message;
    };
    const row rows[] = {
        // a wrong type deep inside an array of structs
        {with_notes(R"([{"title":"a","tags":[],"level":"low"},{"title":5,"tags":[]}])"),
         "$.notes[1].title", "expected a string, got number"},
        // a missing required member of an element
        {with_notes(R"([{"tags":[]}])"), "$.notes[0].title", "missing required field"},
        // an array element of the wrong type, two arrays down
        {with_notes(R"([{"title":"a","level":"low","tags":["x","y",null]}])"), "$.notes[0].tags[2]",
         "expected a string, got null"},
        // an enum given an unknown name
        {with_notes(R"([{"title":"a","tags":[],"level":"urgent"}])"), "$.notes[0].level",
         "unknown name \"urgent\"; expected one of low, normal, high"},
        // an enum given a number
        {with_notes(R"([{"title":"a","tags":[],"level":2}])"), "$.notes[0].level",
         "expected a string, got number"},
        // an object where an array belongs
        {with_notes(R"({})"), "$.notes", "expected an array, got object"},
        // the top level is not an object
        {R"([1,2])", "$", "expected an object, got array"},
        // a member of the base class
        {R"({"id":"7"})", "$.id", "expected an integer, got string"},
        // a missing member, after the ones present
        {R"({"id":1})", "$.name", "missing required field"},
    };
    for (const auto& r : rows) {
        const auto e = error_of<notebook>(r.text);
        EXPECT_EQ(e.path, r.path) << r.text;
        EXPECT_EQ(e.message, r.message) << r.text;
        EXPECT_FALSE(e.is_syntax_error());
        EXPECT_EQ(e.offset, 0u);
    }
}

TEST(json, map_keys_in_paths_use_brackets_unless_identifiers) {
    using m = std::map<std::string, int>;
    EXPECT_EQ(error_of<m>(R"({"ok":1,"bad":true})").path, "$.bad");
    EXPECT_EQ(error_of<m>(R"({"a b":"x"})").path, R"($["a b"])");
    EXPECT_EQ(error_of<m>(R"({"9lives":"x"})").path, R"($["9lives"])");
    EXPECT_EQ(error_of<m>(R"({"q\"uote":"x"})").path, R"($["q\"uote"])");
    EXPECT_EQ(error_of<m>(R"({"":"x"})").path, R"($[""])");
}

TEST(json, integers_are_range_checked) {
    struct row {
        const char* text;
        const char* path; // "" when it converts
        const char* message;
    };
    const row rows[] = {
        {R"({"u8":255})", "", ""},                                     // uint8 max
        {R"({"u8":300})", "$.u8", "out of range for uint8"},           // the issue's example
        {R"({"u8":-1})", "$.u8", "out of range for uint8"},            // negative into unsigned
        {R"({"i8":-128})", "", ""},                                    // int8 min
        {R"({"i8":128})", "$.i8", "out of range for int8"},            // int8 max + 1
        {R"({"i16":-32769})", "$.i16", "out of range for int16"},      // int16 min - 1
        {R"({"u16":65535})", "", ""},                                  // uint16 max
        {R"({"u16":65536})", "$.u16", "out of range for uint16"},      // uint16 max + 1
        {R"({"i32":2147483648})", "$.i32", "out of range for int32"},  // int32 max + 1
        {R"({"u32":4294967295})", "", ""},                             // uint32 max
        {R"({"u32":4294967296})", "$.u32", "out of range for uint32"}, // uint32 max + 1
        {R"({"i64":-9223372036854775808})", "", ""},                   // int64 min
        {R"({"i64":9223372036854775808})", "$.i64", "out of range for int64"},   // as uint64
        {R"({"u64":18446744073709551615})", "", ""},                             // uint64 max
        {R"({"u64":18446744073709551616})", "$.u64", "out of range for uint64"}, // a double
        {R"({"i32":1.5})", "$.i32", "expected an integer, got a number with a fraction"},
        {R"({"i32":-0.5})", "$.i32", "expected an integer, got a number with a fraction"},
        {R"({"i32":1.0})", "", ""},                               // integral doubles are integers
        {R"({"i32":1e2})", "", ""},                               // so is 100 in exponent form
        {R"({"u8":2.56e2})", "$.u8", "out of range for uint8"},   // 256 as a double
        {R"({"i64":9.3e18})", "$.i64", "out of range for int64"}, // beyond 2^63 as a double
        {R"({"i32":"1"})", "$.i32", "expected an integer, got string"}, // no string numbers
        {R"({"i32":true})", "$.i32", "expected an integer, got boolean"},
    };
    for (const auto& r : rows) {
        const auto v = from_json<some_ints>(r.text);
        if (*r.path == '\0') {
            EXPECT_TRUE(v.has_value()) << r.text << ": " << v.error().to_string();
        } else {
            ASSERT_FALSE(v.has_value()) << r.text;
            EXPECT_EQ(v.error().path, r.path) << r.text;
            EXPECT_EQ(v.error().message, r.message) << r.text;
        }
    }
    const auto extremes =
        from_json<ints>(R"({"i8":-128,"u8":255,"i16":-32768,"u16":65535,"i32":-2147483648,)"
                        R"("u32":4294967295,"i64":-9223372036854775808,)"
                        R"("u64":18446744073709551615})");
    ASSERT_TRUE(extremes.has_value());
    EXPECT_EQ(extremes->i8, -128);
    EXPECT_EQ(extremes->u64, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(from_json<ints>(to_json(*extremes)), extremes);
    EXPECT_EQ(from_json<some_ints>(R"({"i32":1e2})")->i32, 100);
}

TEST(json, floating_point_numbers) {
    const auto n = from_json<numbers>(R"({"f":1.5,"d":-2})");
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->f, 1.5f);
    EXPECT_EQ(n->d, -2.0);
    // above float's max: refused rather than turned into infinity
    EXPECT_EQ(error_of<numbers>(R"({"f":1e39,"d":0})").message, "out of range for float");
    EXPECT_TRUE(from_json<numbers>(R"({"f":3.4028234663852886e38,"d":0})").has_value());
    // beyond a double's range: refused where it is, even in a passthrough value
    const auto big = error_of<numbers>(R"({"f":0,"d":1e400})");
    EXPECT_EQ(big.path, "$.d");
    EXPECT_EQ(big.message, "number out of range for double");
    EXPECT_EQ(error_of<boost::json::value>(R"({"a":[0,-1e999]})").path, "$.a[1]");
    EXPECT_EQ(error_of<numbers>(R"({"f":0,"d":"1"})").message, "expected a number, got string");
    // JSON has no NaN or infinity: written as null
    EXPECT_EQ(to_json(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(to_json(std::nan("")), "null");
    EXPECT_EQ(to_json(std::vector<double>{0.1, -1e300}), "[1E-1,-1E300]");
}

TEST(json, doubles_round_trip_exactly) {
    // Boost 1.81's own number parsing is off by an ulp for about a third of all doubles.
    std::uint64_t bits = 0x9e3779b97f4a7c15u;
    std::vector<double> values;
    while (values.size() < 20000) {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) {
            values.push_back(d);
        }
    }
    values.push_back(std::numeric_limits<double>::max());
    values.push_back(std::numeric_limits<double>::denorm_min());
    values.push_back(std::numeric_limits<double>::min());
    const auto back = from_json<std::vector<double>>(to_json(values));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, values);
    EXPECT_EQ(from_json<double>("0.1"), 0.1);
    EXPECT_EQ(from_json<double>("5.4097607429647384e+124"), 5.4097607429647384e+124);
    EXPECT_EQ(from_json<double>("1e-400"), 0.0); // underflow is zero, as in strtod
}

TEST(json, enums_are_their_names) {
    EXPECT_EQ(to_json(priority::high), R"("high")");
    EXPECT_EQ(from_json<priority>(R"("low")"), priority::low);
    EXPECT_EQ(error_of<priority>(R"("LOW")").path, "$");       // names are case-sensitive
    EXPECT_EQ(error_of<priority>("\"low\\u0000\"").path, "$"); // no prefix matches
    // a value without a name is written as its number, which from_json then refuses
    EXPECT_EQ(to_json(static_cast<priority>(9)), "9");
    EXPECT_EQ(error_of<priority>("9").message, "expected a string, got number");
}

TEST(json, optionals_are_null_or_absent) {
    const auto missing = from_json<note>(R"({"title":"t","tags":[],"level":"low"})");
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->body, std::nullopt);
    // a member with a default value is still required unless it is an optional
    EXPECT_EQ(error_of<note>(R"({"title":"t","tags":[]})").path, "$.level");
    const auto null = from_json<note>(R"({"title":"t","body":null,"tags":[],"level":"low"})");
    ASSERT_TRUE(null.has_value());
    EXPECT_EQ(null->body, std::nullopt);
    const auto present = from_json<note>(R"({"title":"t","body":"b","tags":[],"level":"low"})");
    ASSERT_TRUE(present.has_value());
    EXPECT_EQ(present->body, "b");
    EXPECT_EQ(error_of<note>(R"({"title":"t","body":1,"tags":[],"level":"low"})").path, "$.body");
    EXPECT_EQ(to_json(std::optional<int>{}), "null");
    EXPECT_EQ(to_json(std::optional<int>{3}), "3");
    EXPECT_FALSE(from_json<std::optional<int>>("null")->has_value());
}

TEST(json, unknown_fields_are_denied_by_default_naming_the_expected_ones) {
    struct row {
        std::string text;
        const char* path;
        const char* message;
    };
    const row rows[] = {
        // deep inside an array of structs
        {with_notes(R"([{"title":"a","tags":[],"level":"low","colour":"red"}])"),
         "$.notes[0].colour", "unknown field; expected title, body, level, tags"},
        // a key that is no identifier is quoted in the path
        {R"({"id":1,"odd key":2})", R"($["odd key"])",
         "unknown field; expected id, name, notes, counts, score, shared, extra"},
        // reported before a missing member: the typo is named, not the member it replaced
        {with_notes(R"([{"titel":"a","tags":[],"level":"low"}])"), "$.notes[0].titel",
         "unknown field; expected title, body, level, tags"},
        // and before a wrong type elsewhere in the object
        {with_notes(R"([{"title":5,"tags":[],"level":"low","bdy":"x"}])"), "$.notes[0].bdy",
         "unknown field; expected title, body, level, tags"},
        // the first unknown one in document order
        {with_notes(R"([{"zz":1,"title":"a","tags":[],"level":"low","aa":2}])"), "$.notes[0].zz",
         "unknown field; expected title, body, level, tags"},
        // a base's members are listed before the derived struct's
        {R"({"iid":1})", "$.iid",
         "unknown field; expected id, name, notes, counts, score, shared, extra"},
    };
    for (const auto& r : rows) {
        const auto e = error_of<notebook>(r.text);
        EXPECT_EQ(e.path, r.path) << r.text;
        EXPECT_EQ(e.message, r.message) << r.text;
        EXPECT_EQ(e.to_string(), std::string(r.path) + ": " + r.message);
    }
    EXPECT_EQ(error_of<record>(R"({"id":1,"x":2})").message, "unknown field; expected id");
    // members of the base class are known; maps and passthrough values take any key
    EXPECT_TRUE(from_json<notebook>(with_notes("[]")).has_value());
    EXPECT_TRUE(
        from_json<notebook>(R"({"id":1,"name":"n","notes":[],"counts":{"any":1},"shared":true,)"
                            R"("extra":{"whatever":0}})")
            .has_value());
}

struct empty_struct {};
BOOST_DESCRIBE_STRUCT(empty_struct, (), ())

// Opts out of deny_unknown_fields; the struct holding it does not.
struct lenient {
    int n = 0;
    friend bool operator==(const lenient&, const lenient&) = default;
};
BOOST_DESCRIBE_STRUCT(lenient, (), (n))

struct holds_lenient {
    lenient inner;
    std::vector<lenient> many;
};
BOOST_DESCRIBE_STRUCT(holds_lenient, (), (inner, many))

// Derives from a lenient type: the trait is per type, so this one denies.
struct strict_child : lenient {
    int m = 0;
};
BOOST_DESCRIBE_STRUCT(strict_child, (lenient), (m))

} // namespace

template <> struct weft::http::json_allow_unknown_fields<lenient> : std::true_type {};

namespace {

TEST(json, unknown_fields_opt_out_per_type_or_per_call) {
    EXPECT_EQ(error_of<empty_struct>(R"({"a":1})").message, "unknown field; expected no fields");
    EXPECT_TRUE(from_json<empty_struct>("{}").has_value());

    // the trait: this type ignores unknown members wherever it is
    EXPECT_EQ(from_json<lenient>(R"({"n":1,"extra":2})")->n, 1);
    const auto held = from_json<holds_lenient>(R"({"inner":{"n":1,"x":0},"many":[{"n":2,"y":0}]})");
    ASSERT_TRUE(held.has_value()) << held.error().to_string();
    EXPECT_EQ(held->many, std::vector<lenient>{lenient{2}});
    // ... but not for the types around it, nor for one derived from it
    EXPECT_EQ(error_of<holds_lenient>(R"({"inner":{"n":1},"many":[],"z":0})").path, "$.z");
    EXPECT_EQ(error_of<strict_child>(R"({"n":1,"m":2,"k":3})").message,
              "unknown field; expected n, m");

    // the option: every type ignores unknown members in this call
    json_options ignore;
    ignore.deny_unknown_fields = false;
    const std::string text =
        with_notes(R"([{"title":"a","tags":[],"level":"low","colour":"red"}])");
    const auto b = from_json<notebook>(text, ignore);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->notes.at(0).title, "a");
    EXPECT_TRUE(from_json<record>(R"({"id":1,"odd key":2})", ignore).has_value());
    // still a missing member when the typo is ignored
    EXPECT_EQ(error_of<record>(R"({"iid":1})", ignore).message, "missing required field");
    // read_json takes the same options
    EXPECT_TRUE(read_json<record>(R"({"id":1,"x":2})", ignore).has_value());
    const auto refused = read_json<record>(R"({"id":1,"x":2})");
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().body_string()->find(
                  R"("detail":"unknown field; expected id","path":"$.x")"),
              std::string::npos)
        << *refused.error().body_string();
}

TEST(json, duplicate_keys_last_one_wins) {
    EXPECT_EQ(from_json<record>(R"({"id":1,"id":2})")->id, 2u);
    // the dropped one is not checked
    EXPECT_EQ(from_json<record>(R"({"id":"x","id":3})")->id, 3u);
}

TEST(json, syntax_errors_report_offset_line_and_column) {
    struct row {
        std::string_view text;
        std::size_t offset, line, column;
    };
    const row rows[] = {
        {R"({"id":1,})", 8, 1, 9},         // a trailing comma: the '}' is where it fails
        {R"([1,2)", 4, 1, 5},              // incomplete: the end of the input
        {"", 0, 1, 1},                     // nothing at all
        {"  \n ", 4, 2, 2},                // only whitespace
        {R"({"id":1} x)", 9, 1, 10},       // data after the value
        {"{\n  \"id\": tru\n}", 10, 2, 9}, // a misspelt literal, on line 2: where it starts
        {"{\"id\":1}\n\n\x01", 10, 3, 1},  // a control byte on line 3
        {"[\"\\ud800\"]", 8, 1, 9},        // a lone surrogate escape
        {"[\"\xff\"]", 2, 1, 3},           // a byte that is not UTF-8
    };
    for (const auto& r : rows) {
        const auto e = error_of<boost::json::value>(r.text);
        EXPECT_EQ(e.path, "$") << r.text;
        EXPECT_TRUE(e.is_syntax_error()) << r.text;
        EXPECT_EQ(e.offset, r.offset) << r.text;
        EXPECT_EQ(e.line, r.line) << r.text;
        EXPECT_EQ(e.column, r.column) << r.text;
    }
    EXPECT_EQ(error_of<record>("[1,2").message, "unexpected end of input");
    EXPECT_EQ(error_of<record>("{} {}").message, "unexpected data after the JSON value");
}

TEST(json, nesting_is_limited) {
    const auto nested = [](std::size_t depth) {
        return std::string(depth, '[') + std::string(depth, ']');
    };
    EXPECT_TRUE(from_json<boost::json::value>(nested(64)).has_value());
    const auto e = error_of<boost::json::value>(nested(65));
    EXPECT_EQ(e.message, "nested deeper than 64 levels");
    EXPECT_EQ(e.offset, 64u);
    json_options shallow;
    shallow.max_depth = 2;
    EXPECT_TRUE(from_json<boost::json::value>(nested(2), shallow).has_value());
    EXPECT_FALSE(from_json<boost::json::value>(nested(3), shallow).has_value());
    EXPECT_FALSE(from_json<notebook>(with_notes(R"([{"title":"a","tags":[]}])"), shallow));
    // a very deep text fails fast instead of exhausting the stack
    EXPECT_FALSE(from_json<boost::json::value>(nested(100000)).has_value());
}

TEST(json, containers_and_passthrough) {
    using flags = std::unordered_map<std::string, std::vector<bool>>;
    const flags m{{"a", {true, false}}, {"b", {}}};
    EXPECT_EQ(from_json<flags>(to_json(m)), m);
    EXPECT_EQ(error_of<flags>(R"({"a":[true,0]})").path, "$.a[1]");
    const auto v = from_json<boost::json::value>(R"({"k":[1,2.5,"s",{"n":null}]})");
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(to_json(*v), R"({"k":[1,2.5E0,"s",{"n":null}]})");
    EXPECT_EQ(from_json<std::string>(R"("a\u0000b")"), std::string("a\0b", 3));
}

TEST(json, writes_valid_utf8_whatever_the_strings_hold) {
    EXPECT_EQ(to_json(std::string("a\xff"
                                  "b")),
              "\"a\xEF\xBF\xBD"
              "b\"");
    EXPECT_EQ(to_json(std::map<std::string, int>{{"\xc0", 1}}), "{\"\xEF\xBF\xBD\":1}");
    boost::json::value raw = boost::json::string("\xed\xa0\x80"); // an encoded surrogate
    EXPECT_EQ(to_json(raw), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    EXPECT_EQ(to_json(boost::json::value(std::numeric_limits<double>::infinity())), "null");
}

TEST(json, error_to_string) {
    EXPECT_EQ((json_error{"$.a[1]", "expected a string, got number"}.to_string()),
              "$.a[1]: expected a string, got number");
    EXPECT_EQ(error_of<record>("{\n!").to_string(),
              "$: invalid JSON: syntax error (line 2, column 1, offset 2)");
}

TEST(json, error_response_is_problem_json_with_the_path) {
    const auto e =
        error_of<notebook>(with_notes(R"([{"title":"a","tags":[],"level":"low"},{"title":5}])"));
    const response r = json_error_response(e);
    EXPECT_EQ(r.status(), status::bad_request);
    EXPECT_EQ(r.find("Content-Type"), "application/problem+json");
    ASSERT_NE(r.body_string(), nullptr);
    const auto body = from_json<boost::json::value>(*r.body_string());
    ASSERT_TRUE(body.has_value()) << *r.body_string();
    const auto& o = body->as_object();
    EXPECT_EQ(o.at("title"), "Bad Request");
    EXPECT_EQ(o.at("status"), 400);
    EXPECT_EQ(o.at("detail"), "expected a string, got number");
    EXPECT_EQ(o.at("path"), "$.notes[1].title");
    EXPECT_FALSE(o.contains("offset"));

    const auto syntax = json_error_response(error_of<record>("{\"id\":1,}"));
    const auto s = from_json<boost::json::value>(*syntax.body_string());
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->as_object().at("path"), "$");
    EXPECT_EQ(s->as_object().at("offset"), 8);
    EXPECT_EQ(s->as_object().at("line"), 1);
    EXPECT_EQ(s->as_object().at("column"), 9);
}

TEST(json, error_response_is_valid_json_for_any_error) {
    const json_error odd{"$[\"\xff\"]", "quote \" backslash \\ nul \0 control \x01 bad \xc3", 3, 1,
                         4};
    const auto r = json_error_response(odd);
    const auto body = from_json<boost::json::value>(*r.body_string());
    ASSERT_TRUE(body.has_value()) << *r.body_string();
    EXPECT_EQ(body->as_object().at("path"), "$[\"\xEF\xBF\xBD\"]");
}

TEST(json, json_response_and_read_json) {
    const response r = json_response(status::created, sample().notes[0]);
    EXPECT_EQ(r.status(), status::created);
    EXPECT_EQ(r.find("Content-Type"), "application/json");
    ASSERT_NE(r.body_string(), nullptr);
    EXPECT_EQ(*r.body_string(), R"({"title":"first","body":null,"level":"high","tags":["a","b"]})");

    const auto ok = read_json<note>(*r.body_string());
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(*ok, sample().notes[0]);
    const auto bad = read_json<note>(R"({"title":1})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().status(), status::bad_request);
    EXPECT_NE(bad.error().body_string()->find(R"("path":"$.title")"), std::string::npos);
}

} // namespace
