module github.com/critpath/critpath

go 1.26
