#ifndef TUNELUA_CEDITLINE_SHIM_H
#define TUNELUA_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>

/* libedit's completion settings are C globals, which Swift 6 will not touch directly; the REPL
   sets them here, once, on its own thread. Dots and colons belong to a Lua name (`kt.RandomSe`,
   `model:fi`); Lua's other punctuation breaks words. The word-break string is a literal, so it
   outlives every use libedit makes of it. No character is appended after a completion. */
static inline void tl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
    rl_completer_word_break_characters = (char *)" \t\n\"'`@$><=;|&{}()[],+-*/%^#~";
    rl_basic_word_break_characters = rl_completer_word_break_characters;
    rl_completion_append_character = 0;
}

/* Called from the completion function: never fall back to completing file names. */
static inline void tl_completion_over(void) { rl_attempted_completion_over = 1; }
#endif
