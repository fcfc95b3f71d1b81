#include "commands.hpp"
namespace weft::cli {
void add_asn_commands(CLI::App&, int&) {}
} // namespace weft::cli
