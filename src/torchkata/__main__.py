from torchkata.cli import main

main()
