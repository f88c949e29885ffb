from sendcli.cli import main

main()
