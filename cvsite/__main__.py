from cvsite.cli import main

main()
