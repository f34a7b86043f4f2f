from checker.cli.fast import main

main()
