/* SPDX-License-Identifier: MIT */
/* train_main.h: the `tagpipe train` sub-command. */

#ifndef TRAIN_MAIN_H
#define TRAIN_MAIN_H

/* Run `tagpipe train` with its own arguments (argv[0] is "train"); returns
 * the exit status. */
int train_main(int argc, char **argv);

/* Run `tagpipe train-entities` (train_entities_main.c); argv[0] is "train-entities". */
int train_entities_main(int argc, char **argv);

#endif /* TRAIN_MAIN_H */
