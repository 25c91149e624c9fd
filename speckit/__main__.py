from speckit.cli import main

main()
