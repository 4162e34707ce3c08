// greenlight: one binary; the first argument picks the role (local, validate, ...).
#include "cli/main_command.h"

int main(int argc, char** argv) { return greenlight::cli::run(argc, argv); }
