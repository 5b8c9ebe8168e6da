// Applet command lines whose output must equal BusyBox 1.35's, run in a directory holding
// ORACLE_FILES. The unit test checks the captured answers; the oracle test re-runs BusyBox.

export const ORACLE_FILES: Readonly<Record<string, string>> = {
  f3: 'c\na\nb\na\n',
  'w.txt': 'hello world\nfoo bar baz\n',
  p: 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\n',
  n: '10\n9\n100\n-1\n',
};

export const APPLET_CASES: readonly string[] = [
  'cat f3', 'cat -n f3', 'cat f3 nofile w.txt; echo $?', 'head -n 2 f3', 'head -2 f3', 'head -c 3 w.txt; echo', 'head -n -1 f3',
  'tail -n 2 f3', 'tail -n +3 f3', 'head -n 1 f3 w.txt', 'tail -c 4 w.txt',
  'wc f3 w.txt', 'wc -l f3', 'wc -w < w.txt', 'wc -c f3', 'yes | head -n 3', 'yes abc | head -n 2 | wc -c',
  'sort f3', 'sort -r f3', 'sort -u f3', 'sort -n n', 'sort -rn n', 'sort -t: -k3 p', 'sort f3 | uniq -c', 'sort f3 | uniq -d', 'uniq -u f3',
  'cut -d: -f1,3 p', 'cut -c1-3 w.txt', 'cut -d: -f6- p',
  'tr a-z A-Z < w.txt', 'tr -d o < w.txt', 'echo aaabbb | tr -s ab', 'echo hello | tr "[:lower:]" "[:upper:]"',
  'grep -n o w.txt', 'grep -c a f3', 'grep -v a f3', 'grep -i HELLO w.txt', 'grep -E "fo+|hel" w.txt', 'grep "fo\\+" w.txt',
  'grep -q zzz f3; echo $?', 'grep x nofile; echo $?', 'grep o f3 w.txt', 'grep -l a f3 w.txt', 'grep -w foo w.txt', 'grep -o "o." w.txt', 'grep -e foo -e hel w.txt',
  'sed s/o/0/g w.txt', 'sed -n 2p w.txt', 'sed 1d f3', 'sed -n "/a/p" f3', 'sed "2,3d" f3', 'sed "s/\\(h\\)ello/\\1i/" w.txt',
  'sed -e "s/a/A/" -e "s/b/B/" f3', 'echo hello | sed "s/l*/X/g"', 'echo hello | sed "s/l/L/2"', 'sed "$d" f3', 'sed -n "$=" f3',
  'sed "/b/,/a/s/^/> /" f3', 'echo abc | sed "y/abc/xyz/"', 'sed "2q" f3', 'echo abc | sed -E "s/(b|c)/<&>/g"',
  'seq 5', 'seq 2 2 9', 'seq -s , 3', 'seq 3 -1 1', 'basename /a/b.c .c; dirname /a/b; dirname b; basename /',
  'printf "%s|" a b; echo', 'echo a b | xargs echo X', 'printf "1\\n2\\n3\\n" | xargs -n 2 echo', 'find . -name "f*"', 'find . -type f | sort',
  'mkdir d; mkdir d; echo $?', 'mkdir -p x/y/z && ls x/y', 'rmdir nope', 'rm nope', 'rm -f nope; echo $?', 'mkdir -p a/b; rm a; echo $?; rm -r a; ls',
  'touch t && ls t', 'ln -s f3 l && readlink l', 'cp f3 g && cat g', 'cp nope g', 'mv f3 h && cat h', 'mv nope x',
  'ls', 'ls -1', 'ls nonexist; echo $?', 'ls -d .', 'ls f3 n', 'cat nofile', 'stat -c "%n %s %a %F" f3',
  'dd if=f3 of=o bs=2 count=2; cat o', 'chmod 999 f3', 'chmod 600 f3 && stat -c %a f3', 'chmod u+x,go-r f3 && stat -c %A f3',
  'echo -e "a\\tb"', 'printf "%5.1f|%-4s|%03d\\n" 2.25 x 7', 'kill -l | head -3', 'sleep 0.01; echo slept', 'env -i A=1 env',
  'true; echo $?; false; echo $?',
  '[ -f f3 ] && echo file; [ -d . ] && echo dir; [ -e nope ] || echo none; [ -s f3 ] && echo nonempty; [ -x f3 ] || echo notexec',
  'echo *', 'echo f* n?', 'ls -a', 'ls -A', 'ls -r', 'mkdir sub; echo */', 'ls -F', 'ls -p', 'ls -1 nope f3', 'ls -d nope .',
  'mkdir dd; touch dd/x; ls dd f3', 'mkdir dd; ls . dd', 'grep -c "" f3', 'cut -d" " -f2 w.txt', 'seq 10 | tail -n 3',
  'seq 3 | sed -n "2{p;p}"', 'sort -k2 w.txt', 'printf "%d %i\\n" 010 0x10', 'printf "%x\\n" -1', 'printf "%c%c\\n" hello world',
  'x=$(cat f3 | wc -l); echo $((x * 2))',
];
