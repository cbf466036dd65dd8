/* SPDX-License-Identifier: MIT */
/* cli_html.h: the `tagpipe html` sub-command: a page showing tagged JSON lines. */

#ifndef CLI_HTML_H
#define CLI_HTML_H

/* Run `tagpipe html` with its own arguments (argv[0] is "html"); reads
 * tagpipe's output and writes one self-contained HTML page to standard
 * output. Returns the exit status. */
int html_main(int argc, char **argv);

#endif /* CLI_HTML_H */
