#include <weft/addr/asn.hpp>

#include <array>
#include <concepts>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using weft::addr::asn;
using weft::addr::asn_category;
using weft::addr::asn_format;
using weft::addr::parse_errc;

// The public API at compile time: size, traits, constexpr parse and classification.
static_assert(sizeof(asn) == 4);
static_assert(std::is_trivially_copyable_v<asn>);
static_assert(std::is_nothrow_default_constructible_v<asn>);
static_assert(std::regular<asn>);
static_assert(std::totally_ordered<asn>);
static_assert(!std::is_convertible_v<std::uint32_t, asn>); // the constructor is explicit
static_assert(asn{}.to_uint() == 0);
static_assert(asn::parse("AS65536").value() == asn(65536));
static_assert(asn::parse("1.0").value() == asn(65536));
static_assert(asn::parse("65535.65535").value() == asn(0xffffffffu));
static_assert(!asn::parse("65536.0").has_value());
static_assert(asn::parse("4294967296").error().code == parse_errc::value_out_of_range);
static_assert(asn::from_asdot(1, 10).to_uint() == 65546);
static_assert(asn(64512).is_private() && asn(64496).is_documentation() && asn(0).is_reserved());
static_assert(asn(23456).category() == asn_category::as_trans);
static_assert(asn(65535).bits() == 16 && asn(65536).bits() == 32);
static_assert(noexcept(asn::parse("1")));
static_assert(asn::max_string_length == std::string_view("65535.65535").size());

constexpr std::array all_formats{asn_format::asplain, asn_format::asdot, asn_format::asdot_plus};

TEST(asn, default_is_as0_which_is_reserved) {
    EXPECT_EQ(asn{}.to_uint(), 0u);
    EXPECT_TRUE(asn{}.is_reserved());
}

TEST(asn, parses_asplain) {
    struct row {
        std::string_view text;
        std::uint32_t value;
    };
    const row rows[] = {
        {"0", 0},                     // AS0, the smallest
        {"1", 1},                     // the first public AS
        {"23456", 23456},             // AS_TRANS
        {"65535", 65535},             // the last 2-octet AS
        {"65536", 65536},             // the first 4-octet AS
        {"4200000000", 4200000000},   // the first 4-octet private AS
        {"4294967295", 4294967295},   // the largest, 2^32 - 1
        {"AS15169", 15169},           // "AS" prefix
        {"as15169", 15169},           // lower-case prefix
        {"As15169", 15169},           // mixed-case prefix
        {"aS15169", 15169},           // the other mixed case
        {"AS0", 0},                   // prefix before "0"
        {"AS4294967295", 4294967295}, // prefix before the largest
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = asn::parse(r.text);
        ASSERT_TRUE(a.has_value());
        EXPECT_EQ(a->to_uint(), r.value);
    }
}

TEST(asn, parses_asdot) {
    struct row {
        std::string_view text;
        std::uint32_t value;
    };
    const row rows[] = {
        {"1.0", 65536},                // RFC 5396's first 4-octet AS in asdot
        {"1.10", 65546},               // high 1, low 10
        {"0.0", 0},                    // asdot+ of AS0
        {"0.65535", 65535},            // asdot+ of the last 2-octet AS
        {"0.23456", 23456},            // asdot+ of AS_TRANS
        {"64086.59904", 4200000000},   // first 4-octet private AS
        {"65535.65535", 4294967295},   // the largest
        {"AS1.0", 65536},              // prefix in asdot
        {"as65535.65534", 4294967294}, // lower-case prefix, last private AS
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = asn::parse(r.text);
        ASSERT_TRUE(a.has_value());
        EXPECT_EQ(a->to_uint(), r.value);
    }
}

TEST(asn, rejects_malformed_text) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    using enum parse_errc;
    const row rows[] = {
        {"", empty, 0},                                     // nothing at all
        {"AS", empty, 2},                                   // a prefix and no number
        {"as", empty, 2},                                   // lower-case prefix and no number
        {"A", invalid_character, 0},                        // half a prefix
        {"ASN1", invalid_character, 2},                     // "ASN" is not a prefix
        {"ASAS1", invalid_character, 2},                    // the prefix only once
        {"AS 1", invalid_character, 2},                     // no space after the prefix
        {" 1", invalid_character, 0},                       // leading space
        {"1 ", invalid_character, 1},                       // trailing space
        {"-1", invalid_character, 0},                       // no sign
        {"+1", invalid_character, 0},                       // no plus sign either
        {"AS-1", invalid_character, 2},                     // no sign after the prefix
        {"0x10", invalid_character, 1},                     // no hex
        {"1e5", invalid_character, 1},                      // no exponent
        {"1,000", invalid_character, 1},                    // no digit grouping
        {"\xd9\xa1", invalid_character, 0},                 // Arabic-Indic digit one, not ASCII
        {std::string_view("1\0", 2), invalid_character, 1}, // embedded NUL
        {"4294967296", value_out_of_range, 0},              // 2^32
        {"AS4294967296", value_out_of_range, 2},            // 2^32 after the prefix
        {"99999999999999999999999", value_out_of_range, 0}, // far beyond, no wrap-around
        {"01", leading_zero, 0},                            // leading zero
        {"00", leading_zero, 0},                            // zero written twice
        {"AS01", leading_zero, 2},                          // leading zero after the prefix
        {"65536.0", value_out_of_range, 0},                 // asdot high half above 65535
        {"0.65536", value_out_of_range, 2},                 // asdot low half above 65535
        {"AS1.65536", value_out_of_range, 4},               // low half, offset past the prefix
        {"1.2.3", too_many_parts, 3},                       // three parts
        {"1.2.", too_many_parts, 3},                        // a trailing dot is a third part
        {"1.", empty_part, 2},                              // no low half
        {".1", empty_part, 0},                              // no high half
        {".", empty_part, 0},                               // no halves at all
        {"1..2", empty_part, 2},                            // empty low half
        {"AS.1", empty_part, 2},                            // no high half after the prefix
        {"01.1", leading_zero, 0},                          // leading zero in the high half
        {"1.01", leading_zero, 2},                          // leading zero in the low half
        {"1.x", invalid_character, 2},                      // letter in the low half
        {"x.1", invalid_character, 0},                      // letter in the high half
        {"1.-1", invalid_character, 2},                     // sign in the low half
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = asn::parse(r.text);
        ASSERT_FALSE(a.has_value()) << a->to_uint();
        EXPECT_EQ(a.error().code, r.code);
        EXPECT_EQ(a.error().offset, r.offset);
    }
}

TEST(asn, formats_in_every_style) {
    struct row {
        std::uint32_t value;
        std::string_view asplain;
        std::string_view asdot;
        std::string_view asdot_plus;
    };
    const row rows[] = {
        {0, "0", "0", "0.0"},                                     // AS0
        {1, "1", "1", "0.1"},                                     // the smallest public AS
        {23456, "23456", "23456", "0.23456"},                     // AS_TRANS
        {65535, "65535", "65535", "0.65535"},                     // asdot stays plain up to here
        {65536, "65536", "1.0", "1.0"},                           // first 4-octet: asdot dots
        {65546, "65546", "1.10", "1.10"},                         // RFC 5396's example
        {4200000000, "4200000000", "64086.59904", "64086.59904"}, // first 4-octet private
        {4294967295, "4294967295", "65535.65535", "65535.65535"}, // the longest text form
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.value);
        const asn a(r.value);
        EXPECT_EQ(a.to_string(), r.asplain);
        EXPECT_EQ(a.to_string(asn_format::asplain), r.asplain);
        EXPECT_EQ(a.to_string(asn_format::asdot), r.asdot);
        EXPECT_EQ(a.to_string(asn_format::asdot_plus), r.asdot_plus);
        char buf[asn::max_string_length];
        EXPECT_EQ(std::string_view(buf, a.format_to(buf, asn_format::asdot)), r.asdot);
    }
}

TEST(asn, round_trips_random_values_in_every_format) {
    std::mt19937 rng(20240517);
    std::uniform_int_distribution<std::uint32_t> any;
    std::uniform_int_distribution<std::uint32_t> small(0, 70000);
    for (int i = 0; i < 200000; ++i) {
        // Half of the draws land near the 2-octet boundary, where asdot changes form.
        const asn a(i % 2 == 0 ? any(rng) : small(rng));
        for (const auto style : all_formats) {
            char buf[asn::max_string_length];
            const std::string_view text(buf, a.format_to(buf, style));
            const auto back = asn::parse(text);
            ASSERT_TRUE(back.has_value()) << text;
            ASSERT_EQ(*back, a) << text;
            const std::string prefixed = "AS" + std::string(text);
            ASSERT_EQ(asn::parse(prefixed).value(), a) << prefixed;
        }
    }
}

TEST(asn, round_trips_boundaries_in_every_format) {
    const std::uint32_t values[] = {
        0,          // smallest
        65535,      // last 2-octet
        65536,      // first 4-octet
        0xfffeffff, // high 65534, low 65535
        0xffff0000, // high 65535, low 0
        0xffffffff, // largest
    };
    for (const auto v : values) {
        for (const auto style : all_formats) {
            const asn a(v);
            EXPECT_EQ(asn::parse(a.to_string(style)).value(), a) << v;
        }
    }
}

TEST(asn, bits_is_16_for_2_octet_numbers) {
    struct row {
        std::uint32_t value;
        int bits;
    };
    const row rows[] = {
        {0, 16},          // AS0 fits in 2 octets
        {65535, 16},      // the last 2-octet AS
        {65536, 32},      // the first that needs 4 octets
        {4294967295, 32}, // the largest
    };
    for (const auto& r : rows) {
        EXPECT_EQ(asn(r.value).bits(), r.bits) << r.value;
    }
}

TEST(asn, classifies_special_purpose_numbers) {
    struct row {
        std::uint32_t value;
        asn_category category;
    };
    using enum asn_category;
    const row rows[] = {
        {0, reserved},             // RFC 7607
        {1, public_use},           // just after AS0
        {23455, public_use},       // just before AS_TRANS
        {23456, as_trans},         // RFC 6793
        {23457, public_use},       // just after AS_TRANS
        {64495, public_use},       // just before the 2-octet documentation block
        {64496, documentation},    // RFC 5398, first
        {64511, documentation},    // RFC 5398, last 2-octet
        {64512, private_use},      // RFC 6996, first 2-octet private
        {65534, private_use},      // RFC 6996, last 2-octet private
        {65535, reserved},         // RFC 7300, last 2-octet
        {65536, documentation},    // RFC 5398, first 4-octet documentation
        {65551, documentation},    // RFC 5398, last 4-octet documentation
        {65552, public_use},       // just after
        {4199999999, public_use},  // just before the 4-octet private block
        {4200000000, private_use}, // RFC 6996, first 4-octet private
        {4294967294, private_use}, // RFC 6996, last 4-octet private
        {4294967295, reserved},    // RFC 7300, last 4-octet
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.value);
        const asn a(r.value);
        EXPECT_EQ(a.category(), r.category);
        EXPECT_EQ(a.is_reserved(), r.category == reserved);
        EXPECT_EQ(a.is_as_trans(), r.category == as_trans);
        EXPECT_EQ(a.is_documentation(), r.category == documentation);
        EXPECT_EQ(a.is_private(), r.category == private_use);
        EXPECT_EQ(a.is_public(), r.category == public_use);
    }
}

TEST(asn, names_categories) {
    struct row {
        asn_category category;
        std::string_view name;
    };
    const row rows[] = {
        {asn_category::reserved, "reserved"},           // RFC 7607, RFC 7300
        {asn_category::as_trans, "as_trans"},           // RFC 6793
        {asn_category::documentation, "documentation"}, // RFC 5398
        {asn_category::private_use, "private"},         // RFC 6996
        {asn_category::public_use, "public"},           // everything else
    };
    for (const auto& r : rows) {
        EXPECT_EQ(to_string(r.category), r.name);
    }
}

TEST(asn, orders_numerically_and_hashes) {
    EXPECT_LT(asn(1), asn(2));
    EXPECT_LT(asn(65535), asn(65536));
    EXPECT_EQ(asn::parse("1.0").value(), asn::parse("65536").value());
    std::unordered_set<asn> set{asn(1), asn(65536), asn::parse("AS1.0").value()};
    EXPECT_EQ(set.size(), 2u);
    EXPECT_TRUE(set.contains(asn(65536)));
}

TEST(asn, formats_with_fmt_in_asplain) {
    EXPECT_EQ(fmt::format("{}", asn(65536)), "65536");
    EXPECT_EQ(fmt::format("AS{}", asn(4294967295)), "AS4294967295");
    EXPECT_EQ(fmt::format("[{:>6}]", asn(42)), "[    42]");
}

TEST(asn, parse_is_pure) {
    const std::string text = "AS65551";
    const auto a = asn::parse(text);
    const auto b = asn::parse(text);
    EXPECT_EQ(a, b);
    EXPECT_EQ(text, "AS65551");
}

} // namespace
