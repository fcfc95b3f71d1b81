#pragma once

// Runtime tests are parametrised over both backends so neither rots (issue: the runtime).

#include <weft/io/loop.hpp>

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace weft::io::testing {

class on_each_backend : public ::testing::TestWithParam<backend_kind> {
  protected:
    void SetUp() override {
        auto l = loop::create(GetParam());
        if (!l && GetParam() == backend_kind::uring) {
            GTEST_SKIP() << "io_uring unavailable here: " << l.error().message();
        }
        ASSERT_TRUE(l) << l.error().message();
        loop_ = std::move(*l);
    }
    loop& the_loop() { return *loop_; }
    std::unique_ptr<loop> loop_;
};

inline std::string backend_name(const ::testing::TestParamInfo<backend_kind>& info) {
    return std::string(to_string(info.param));
}

} // namespace weft::io::testing

#define WEFT_ON_EACH_BACKEND(suite)                                                                \
    INSTANTIATE_TEST_SUITE_P(                                                                      \
        , suite, ::testing::Values(weft::io::backend_kind::uring, weft::io::backend_kind::epoll),  \
        weft::io::testing::backend_name)
