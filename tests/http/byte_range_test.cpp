#include <weft/http/byte_range.hpp>

#include <limits>

#include <gtest/gtest.h>

namespace {

using weft::http::byte_range;
using weft::http::coalesce;
using weft::http::parse_range;
using weft::http::range_spec;
using weft::http::satisfiable;

constexpr auto max64 = std::numeric_limits<std::uint64_t>::max();

TEST(byte_range, parses_the_three_forms) {
    const auto r = parse_range("bytes=0-99, 200-,-500");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 3U);
    EXPECT_EQ((*r)[0], (range_spec{0, 99}));
    EXPECT_EQ((*r)[1], (range_spec{200, std::nullopt}));
    EXPECT_EQ((*r)[2], (range_spec{std::nullopt, 500}));
    EXPECT_TRUE(parse_range("BYTES=1-2")); // the unit is case-insensitive
}

TEST(byte_range, invalid_values_are_ignored_not_errors) {
    for (const char* bad : {"", "bytes=", "bytes=,", "items=0-1", "bytes=a-b", "bytes=5-1",
                            "bytes=1", "bytes=--1", "bytes=-", "bytes 0-1", "bytes=0-1;x"}) {
        EXPECT_FALSE(parse_range(bad)) << bad;
    }
}

TEST(byte_range, huge_positions_saturate) {
    const auto r = parse_range("bytes=99999999999999999999999-");
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].first, max64);
    EXPECT_TRUE(satisfiable(*r, 1000).empty()); // → 416
}

TEST(byte_range, resolves_against_the_length) {
    const auto specs = *parse_range("bytes=0-9,995-2000,-5,-0,1000-");
    const auto parts = satisfiable(specs, 1000);
    ASSERT_EQ(parts.size(), 3U);
    EXPECT_EQ(parts[0], (byte_range{0, 10}));
    EXPECT_EQ(parts[1], (byte_range{995, 5})); // clipped to the end
    EXPECT_EQ(parts[2], (byte_range{995, 5})); // the last 5 bytes
    EXPECT_EQ(satisfiable(*parse_range("bytes=-5000"), 100)[0], (byte_range{0, 100}));
}

TEST(byte_range, coalesce_sorts_and_merges_overlapping_and_touching) {
    std::vector<byte_range> parts{{50, 10}, {0, 10}, {10, 5}, {55, 20}, {100, 1}};
    coalesce(parts);
    EXPECT_EQ(parts, (std::vector<byte_range>{{0, 15}, {50, 25}, {100, 1}}));
}

} // namespace
