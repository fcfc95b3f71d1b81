// Boost.JSON's compiled part, built into the CLI once (Debian ships it header-only).
#include <boost/json/src.hpp>
