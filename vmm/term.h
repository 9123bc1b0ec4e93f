/* SPDX-License-Identifier: GPL-2.0 */
/* term.h - the terminal the vmm runs on, and console input with escapes. */
#ifndef VMM_TERM_H
#define VMM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console;

/*
 * Put @fd in raw mode if it is a terminal, so keys (Ctrl-C included) reach
 * the guest.  The old mode comes back with term_restore(), which atexit()
 * also runs, so every exit path restores it.
 */
void term_raw(int fd);
void term_restore(void);

#define TERM_ESCAPE	0x01	/* Ctrl-A */

#define TERM_BUF_SIZE	64

enum term_result { TERM_OK, TERM_QUIT };

struct term_input {
	int		fd;
	bool		open;		/* false after EOF or an error */
	bool		escapes;	/* Ctrl-A sequences: only on a terminal */
	bool		saw_escape;
	uint8_t		pending[TERM_BUF_SIZE];	/* for the console, not yet taken */
	size_t		pending_off, pending_len;
	unsigned long	dropped;	/* keys a full buffer had no room for */
};

void term_input__init(struct term_input *in, int fd);

/*
 * Read what @in->fd has and pass it to the console device through @con.
 * On a terminal, Ctrl-A x returns TERM_QUIT and Ctrl-A Ctrl-A sends one
 * Ctrl-A.  Bytes the device cannot take yet stay pending:
 * term_input__flush() retries them.  Read a pipe or a file only when
 * nothing is pending, so that nothing is lost; a terminal may be read at
 * any time, so that Ctrl-A x always works: keys beyond the pending
 * buffer's room are dropped then, as a UART overruns.
 */
enum term_result term_input__read(struct term_input *in, struct console *con);

/* Retry the pending bytes. */
void term_input__flush(struct term_input *in, struct console *con);

/*
 * Filter @len bytes (at most TERM_BUF_SIZE) into @in->pending, after what
 * is pending already; what finds no room is dropped (counted in
 * @in->dropped).  Unit-tested.
 */
enum term_result term_input__filter(struct term_input *in, const uint8_t *buf,
				    size_t len);

#endif
