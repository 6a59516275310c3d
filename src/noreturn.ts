/** Functions and macros of the C library and common runtimes that end the process. */
export const BUILTIN_NORETURN = [
  'exit', '_exit', '_Exit', 'quick_exit', 'abort', 'err', 'errx', 'verr', 'verrx', '__assert_fail',
  '__assert_rtn', 'longjmp', 'siglongjmp', '_longjmp', 'pthread_exit', 'errc', 'verrc',
];
