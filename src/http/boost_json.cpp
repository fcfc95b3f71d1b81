// Boost.JSON's compiled part, built into weft_http once (Debian ships it header-only).
#include <boost/json/src.hpp>
