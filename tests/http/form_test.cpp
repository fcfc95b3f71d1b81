#include <weft/http/form.hpp>

#include <gtest/gtest.h>

namespace {

using weft::http::form_data;

TEST(form_data, decodes_pairs_in_order_with_duplicates) {
    const auto f = form_data::parse("a=1&b=two+words&a=3&flag&&c=%E2%82%AC");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->size(), 5U);
    EXPECT_EQ(f->get("a"), "1");
    EXPECT_EQ(f->get_all("a"), (std::vector<std::string_view>{"1", "3"}));
    EXPECT_EQ(f->get("b"), "two words");
    EXPECT_EQ(f->get("flag"), "");
    EXPECT_EQ(f->get("c"), "\xe2\x82\xac");
    EXPECT_FALSE(f->get("missing"));
}

TEST(form_data, empty_input_is_empty) {
    EXPECT_TRUE(form_data::parse("")->empty());
    EXPECT_TRUE(form_data::parse("&&")->empty());
}

TEST(form_data, only_the_first_equals_splits) {
    EXPECT_EQ(form_data::parse("k=a=b")->get("k"), "a=b");
}

TEST(form_data, bad_escapes_and_nul_are_errors_with_offsets) {
    const auto bad = form_data::parse("a=1&b=%4");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().offset, 6U);
    EXPECT_EQ(bad.error().to_string("a=1&b=%4"),
              "\"a=1&b=%4\": '%' not followed by two hex digits (at offset 6)");
    EXPECT_EQ(form_data::parse("x%zz=1").error().offset, 1U);
    EXPECT_FALSE(form_data::parse("a=%00"));
    EXPECT_EQ(form_data::parse(std::string_view("a=b\0c", 5)).error().offset, 3U); // raw NUL too
}

TEST(form_data, encode_round_trips) {
    form_data f;
    f.add("q", "a b&c=d");
    f.add("\xc3\xa9", "~*");
    EXPECT_EQ(f.encode(), "q=a+b%26c%3Dd&%C3%A9=%7E*");
    const auto back = form_data::parse(f.encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->entries(), f.entries());
}

} // namespace
