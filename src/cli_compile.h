/* SPDX-License-Identifier: MIT */
/* cli_compile.h: the `tagpipe compile` sub-command. */

#ifndef CLI_COMPILE_H
#define CLI_COMPILE_H

/* Run `tagpipe compile` with its own arguments (argv[0] is "compile");
 * returns the exit status. */
int compile_main(int argc, char **argv);

#endif /* CLI_COMPILE_H */
