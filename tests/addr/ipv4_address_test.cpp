#include <weft/addr/ipv4_address.hpp>

#include <gtest/gtest.h>

TEST(ipv4_address, placeholder) { EXPECT_TRUE(true); }
