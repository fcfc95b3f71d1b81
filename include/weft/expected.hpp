#pragma once

/// weft's result type: `expected<T, E>` holds a value or the error that prevented it.
///
/// An alias of tl::expected (Debian's libexpected-dev) until g++ ships std::expected;
/// use only the subset the two share (has_value, value, error, *, ->, value_or,
/// and_then, or_else, transform) so that switching is a one-line change here.
#include <tl/expected.hpp>

namespace weft {
using tl::expected;
using tl::unexpect;
using tl::unexpected;
} // namespace weft
